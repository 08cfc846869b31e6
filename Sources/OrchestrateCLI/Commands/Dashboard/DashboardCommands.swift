import ArgumentParser

extension CLI {
    /// The oversight commands: the web dashboard, the terminal view and the figures.
    static let dashboardCommands: [any ParsableCommand.Type] = [ServeCommand.self, WatchCommand.self, MetricsCommand.self]
}
