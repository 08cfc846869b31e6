import Foundation
import OrchestrateGit
import OrchestrateModel

/// What `sync` did.
public struct SyncReport: Sendable {
    public var remote: String
    /// Ledger events that arrived from the remote.
    public var fetchedEvents: Int
    /// Whether the local ledger had events the remote lacked (now published).
    public var published: Bool
    /// The ledger's tip after the sync.
    public var tip: String?
}

extension Orchestrator {
    /// Where a remote's ledger is kept after a fetch (never rewritten: a fetch that is not a
    /// fast-forward of it is refused).
    static func remoteLedgerRef(_ remote: String) -> String { "refs/orchestrate/remotes/\(remote)/ledger" }

    /// Publishes the ledger to `remote` and takes in everyone else's: fetch theirs (refusing a
    /// rewrite), join it with ours (a merge commit when both moved: nothing is overwritten),
    /// push atomically without force (retried when another clone pushed meanwhile), then
    /// bring the local database up to date with events made elsewhere.
    public func sync(remote requested: String?) throws -> SyncReport {
        guard let remote = requested ?? config.syncRemote else {
            throw OrchestrateError.badInput("sync needs a remote: pass one (`git orchestrate sync origin`) or set `sync.remote` in \(Config.fileName)")
        }
        guard Repository.isValidReferenceName(Orchestrator.remoteLedgerRef(remote)), !remote.hasPrefix("-") else {
            throw OrchestrateError.badInput("\(remote.debugDescription) is not a remote name; pass one of `git remote`")
        }
        var fetchedEvents = 0
        var published = false
        for attempt in 0..<6 {
            let theirs = try fetchLedger(remote)
            if let theirs {
                let mine = try ledger.tip()
                fetchedEvents += try ledger.events(from: theirs, hiding: mine.map { [$0] } ?? []).count
                try joinLedger(theirs)
            }
            guard let tip = try ledger.tip(), tip != theirs else { break }
            let push = try git(["push", "--atomic", "--porcelain", remote, "\(Ledger.ref):\(Ledger.ref)"])
            if push.succeeded {
                published = true
                break
            }
            // Someone else pushed first (or the server refused): fetch again and retry.
            if attempt == 5 || !(push.stdout + push.stderr).contains("rejected") {
                throw OrchestrateError.failed("could not publish the ledger to \(remote): \(push.firstError); fix that and run `git orchestrate sync \(remote)` again")
            }
            usleep(UInt32(50_000 * (attempt + 1)))
        }
        // Every time, not only when the ledger moved: an approval waits for its commits.
        try importLedger()
        return SyncReport(remote: remote, fetchedEvents: fetchedEvents, published: published, tip: try ledger.tip()?.hex)
    }

    /// Fetches `remote`'s ledger into its tracking ref; nil when the remote has none. A rewrite
    /// of the remote's ledger (not a fast-forward of what was fetched before) is refused.
    func fetchLedger(_ remote: String) throws -> ObjectID? {
        let tracking = Orchestrator.remoteLedgerRef(remote)
        let result = try git(["fetch", "--no-tags", "--no-write-fetch-head", remote, "\(Ledger.ref):\(tracking)"])
        if !result.succeeded {
            let text = result.stderr + result.stdout
            if text.contains("couldn't find remote ref") { return nil }
            if text.contains("non-fast-forward") || text.contains("rejected") {
                throw OrchestrateError.failed(
                    "the ledger on \(remote) was rewritten (its \(Ledger.ref) is not a fast-forward of what was fetched before), so it was not taken in; ask whoever administers \(remote) to restore it")
            }
            throw OrchestrateError.failed("could not fetch the ledger from \(remote): \(result.firstError); check the remote and run `git orchestrate sync \(remote)` again")
        }
        return try repository.referenceTarget(tracking)
    }

    /// Joins `theirs` into the local ledger: a fast-forward when ours is behind, a merge commit
    /// (no event of its own) when both moved; never drops an event of either side.
    func joinLedger(_ theirs: ObjectID) throws {
        for _ in 0..<20 {
            let mine = try ledger.tip()
            let next: ObjectID
            if let mine {
                if try repository.contains(mine, ancestor: theirs) { return }
                if try repository.contains(theirs, ancestor: mine) {
                    next = theirs
                } else {
                    let tree = try repository.writeFlatTree([:])
                    next = try repository.createCommit(
                        tree: tree, parents: [mine, theirs], author: ledgerSignature(), committer: ledgerSignature(),
                        message: "orchestrate: join ledgers\n")
                }
            } else {
                next = theirs
            }
            do {
                try repository.setReference(Ledger.ref, to: next, expecting: mine, message: "orchestrate: sync")
                return
            } catch let error as GitError where error.code == .modified || error.code == .exists || error.code == .locked {
                continue
            }
        }
        throw OrchestrateError.failed("the ledger kept moving while it was being joined; run `git orchestrate sync` again")
    }

    /// With `sync.remote` set: publishes the ledger after approve, merge or reject. An
    /// unreachable remote does not undo the local change: it is reported as pending.
    func syncAfterChange() {
        guard let remote = config.syncRemote else { return }
        do {
            _ = try sync(remote: remote)
        } catch {
            let message = (error as? OrchestrateError)?.message ?? "\(error)"
            context.err("note: recorded locally; sync to \(remote) is pending (\(message)); run `git orchestrate sync` when it is reachable")
        }
    }

    /// Runs git here with the user's environment (credentials, ssh configuration).
    func git(_ arguments: [String]) throws -> ToolProcess.Result {
        try ToolProcess.run(["git"] + arguments, in: repository.workdir ?? repository.commonDir, environment: context.environment)
    }
}
