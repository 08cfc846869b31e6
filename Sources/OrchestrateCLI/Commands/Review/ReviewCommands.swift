import ArgumentParser

extension CLI {
    /// The commands of this feature, in the order `--help` lists them.
    static let reviewCommands: [any ParsableCommand.Type] = [
        ReviewCommand.self, ApproveCommand.self, RejectCommand.self, RestoreCommand.self, SyncCommand.self,
    ]
}
