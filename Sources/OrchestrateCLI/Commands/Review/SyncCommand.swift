import ArgumentParser
import OrchestrateCore
import OrchestrateModel

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Publish the approvals ledger to a remote and take in everyone else's.",
        discussion: """
            Fetches the remote's refs/orchestrate/ledger (refusing a rewrite of it), joins it with \
            the local ledger (a merge commit when both moved: no event is ever dropped), pushes the \
            result with `git push --atomic` (never forced; retried when another clone pushed \
            first), and imports approvals, landings and rejects made elsewhere into the local \
            database. With `sync.remote` set, approve, merge and reject do this on their own.
            """)

    @Argument(help: "The remote (default: `sync.remote` from the configuration).")
    var remote: String?

    @OptionGroup var output: FormatOption

    func run() throws {
        let report = try Live.orchestrator().sync(remote: remote)
        switch output.format {
        case .json:
            Live.out(JSONValue.object([
                "remote": .string(report.remote), "fetchedEvents": .int(Int64(report.fetchedEvents)),
                "published": .bool(report.published), "tip": .optional(report.tip),
            ]).prettyText)
        case .table:
            Live.out("synced the ledger with \(report.remote): \(report.fetchedEvents) event\(report.fetchedEvents == 1 ? "" : "s") fetched, \(report.published ? "local events published" : "nothing new to publish"); tip \(report.tip.map { String($0.prefix(12)) } ?? "none")")
        }
    }
}
