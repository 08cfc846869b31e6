import ArgumentParser

extension CLI {
    /// The commands of this feature, in the order `--help` lists them.
    static let agentCommands: [any ParsableCommand.Type] = [
        RunCommand.self, UpCommand.self, HeartbeatCommand.self, LogsCommand.self,
    ]
}
