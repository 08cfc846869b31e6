import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// A work tree that has the target branch checked out.
struct TargetCheckout {
    var path: String
    var repository: Repository
}

/// The landings of a run that the checkouts of the target have not caught up with yet.
///
/// Bringing a checkout along writes its whole index (for a 5,000-file repository about as
/// much work as the rest of a landing), so a run without checks lands first and brings the
/// checkouts along once at the end, for the paths it landed, as `git merge --ff-only` would. Each landing owed
/// is in the database (`checkout_updates`) in the transaction that records it: a merge killed
/// half way leaves the next `merge` or `doctor` what it needs to finish the job.
struct OwedCheckouts {
    /// The tip the checkouts show.
    private(set) var shownTip: ObjectID
    /// The tip they will show once caught up.
    private(set) var landedTip: ObjectID
    private(set) var journals: [Int64] = []
    private(set) var paths: Set<String> = []

    init(tip: ObjectID) {
        shownTip = tip
        landedTip = tip
    }

    mutating func owe(_ journal: Int64, movedTo tip: ObjectID, paths landed: [String]) {
        journals.append(journal)
        landedTip = tip
        paths.formUnion(landed)
    }

    /// The checkouts were brought to `tip` at once (nothing owed).
    mutating func shown(_ tip: ObjectID) {
        shownTip = tip
        landedTip = tip
    }

    mutating func caughtUp() {
        shownTip = landedTip
        journals = []
        paths = []
    }
}

extension Orchestrator {
    /// The work trees (main and linked) that have the target branch checked out, each with an
    /// open handle (kept for the whole run: opening a repository costs dozens of file look-ups).
    func targetCheckouts() throws -> [TargetCheckout] {
        var result: [TargetCheckout] = []
        if Repository.checkedOutBranch(atWorktree: paths.mainWorktree) == config.target {
            result.append(TargetCheckout(path: paths.mainWorktree, repository: try Repository.open(at: paths.mainWorktree)))
        }
        for wt in try mainRepository.worktrees() where wt.isValid && Repository.checkedOutBranch(atWorktree: wt.path) == config.target {
            result.append(TargetCheckout(path: wt.path, repository: try Repository.open(at: wt.path)))
        }
        return result
    }

    /// Refuses (with the message) when a checkout of the target has local changes to `paths`:
    /// changes against `shown`, the tip the checkout shows (HEAD may be ahead of it while the
    /// run owes the checkout its landings).
    func overlappingLocalChanges(
        _ paths: [String], in checkouts: [TargetCheckout], shown: ObjectID? = nil
    ) throws -> (checkout: String, files: [String])? {
        for checkout in checkouts {
            let dirty = try checkout.repository.localChanges(at: paths, comparedTo: shown)
            if !dirty.isEmpty { return (checkout.path, dirty) }
        }
        return nil
    }

    /// Brings the checkouts of the target to the run's last landing (its landed paths only,
    /// SAFE: a file is changed only while it still matches what the checkout showed) and
    /// settles the owed rows.
    func catchUpCheckouts(_ run: inout MergeRun) throws {
        guard !run.owed.journals.isEmpty else { return }
        bringAlong(try run.checkouts(), from: run.owed.shownTip, to: run.owed.landedTip, paths: run.owed.paths.sorted())
        let journals = run.owed.journals
        try store.write { try $0.clearCheckoutUpdates(journals) }
        run.owed.caughtUp()
    }

    /// Catches the checkouts up with landings a killed merge left owed, one landing at a time
    /// in the order they happened (each SAFE against the tip before it).
    func catchUpOwedCheckouts() throws {
        let owed = try store.read { try $0.pendingCheckoutUpdates() }
        guard !owed.isEmpty else { return }
        let checkouts = try targetCheckouts()
        for entry in owed {
            guard let oldTip = ObjectID(hex: entry.oldTip), let newTip = ObjectID(hex: entry.newTip) else { continue }
            bringAlong(checkouts, from: oldTip, to: newTip, paths: try pathsChanged(from: oldTip, to: newTip))
        }
        try store.write { try $0.clearCheckoutUpdates(owed.map(\.id)) }
        guard !checkouts.isEmpty else { return }
        context.err("merge: brought \(checkouts.map(\.path).joined(separator: ", ")) up to date with \(owed.count) landing\(owed.count == 1 ? "" : "s") left behind by an interrupted merge")
    }

    func bringAlong(_ checkouts: [TargetCheckout], from old: ObjectID, to new: ObjectID, paths: [String]) {
        for checkout in checkouts {
            faultInjectionPause("before-checkout-update")
            do {
                try checkout.repository.checkoutPaths(from: old, to: new, paths: paths)
            } catch {
                // A local change in the way (made while the merge ran) stops a checkout as a
                // whole: bring every other path along, one at a time, and name the rest.
                let stuck = paths.filter { path in
                    (try? checkout.repository.checkoutPaths(from: old, to: new, paths: [path])) == nil
                }
                context.err(
                    "warning: \(checkout.path) has local changes to \(stuck.isEmpty ? "files" : stuck.joined(separator: ", ")), which the new \(config.target) changes; they were left as they are (\(error)): compare them with `git diff \(config.target) -- <file>` there")
            }
        }
    }
}
