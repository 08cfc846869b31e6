import ArgumentParser

extension CLI {
    /// The commands of this feature, in the order `--help` lists them.
    static let mergeCommands: [any ParsableCommand.Type] = [MergeCommand.self, ConflictsCommand.self]
}
