import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// A checkout of the target whose index is behind its HEAD after our landings: `git status`
/// there shows landed files as staged reversals, and a plain `git commit` would undo them.
struct StaleCheckout {
    var path: String
    /// Landed paths whose index and file still show the tip before the landing (or whose file
    /// already shows the landing): brought forward without losing anything.
    var behind: [String]
    /// Landed paths the user changed since: left alone, named.
    var edited: [String]
}

extension Orchestrator {
    /// The checkouts of the target left behind by a landing: a path staged differently from
    /// HEAD whose index entry is exactly its version before a recorded landing that changed it,
    /// where the index was not written since that landing (so the user did not stage it).
    /// A kill during the checkout catch-up, or git's `index.lock` left by a killed git command
    /// at the time, leaves that; the journal cannot tell, the checkout can.
    func staleCheckouts() throws -> [StaleCheckout] {
        let checkouts = try targetCheckouts()
        guard !checkouts.isEmpty, let head = try mainRepository.referenceTarget(targetRef) else { return [] }
        var landings: [LandingRecord]?
        var result: [StaleCheckout] = []
        for checkout in checkouts {
            let staged = try checkout.repository.stagedVersions().filter { item in
                try item.index != checkout.repository.blob(at: item.path, in: head)
            }
            guard !staged.isEmpty else { continue }
            if landings == nil {
                landings = try store.read { try $0.allLandings() }.filter { $0.target == config.target }.suffix(500).reversed()
            }
            let indexWritten = indexModificationTime(of: checkout.repository)
            var stale = StaleCheckout(path: checkout.path, behind: [], edited: [])
            for item in staged {
                let landed = try mainRepository.blob(at: item.path, in: head)
                let reversal = try (landings ?? []).first { landing in
                    guard landing.time.addingTimeInterval(1) >= indexWritten,
                        let old = ObjectID(hex: landing.oldTip), let new = ObjectID(hex: landing.newTip)
                    else { return false }
                    let before = try mainRepository.blob(at: item.path, in: old)
                    guard before == item.index else { return false }
                    let after = try mainRepository.blob(at: item.path, in: new)
                    return try after != before && mainRepository.contains(head, ancestor: new)
                }
                guard reversal != nil else { continue }
                if try item.workTree == item.index || item.workTree == landed
                    || landed.map({ try checkout.repository.isTornWrite(of: $0, at: item.path) }) == true
                {
                    stale.behind.append(item.path)
                } else {
                    stale.edited.append(item.path)
                }
            }
            if !stale.behind.isEmpty || !stale.edited.isEmpty { result.append(stale) }
        }
        return result
    }

    /// Brings the landed paths of stale checkouts forward to HEAD (nothing of the user's is in
    /// them); returns one line per checkout saying what was done and what was left.
    @discardableResult
    func bringStaleCheckoutsForward(_ stale: [StaleCheckout]) throws -> [String] {
        var lines: [String] = []
        for checkout in stale {
            let repo = try Repository.open(at: checkout.path)
            faultInjectionPause("before-checkout-repair")
            do {
                try repo.checkoutHead(paths: checkout.behind)
            } catch let error as GitError where error.code == .locked {
                throw OrchestrateError.failed(
                    "\(checkout.path) is behind \(config.target) (staged reversals of landed files: \(checkout.behind.prefix(5).joined(separator: ", "))) and git's lock file \(repo.gitDir)/index.lock is held; if no git command is running there, remove it and run `git orchestrate doctor --repair`")
            }
            var line = "brought \(checkout.path) forward to \(config.target) for \(checkout.behind.count) landed file\(checkout.behind.count == 1 ? "" : "s") it showed reversed"
            if !checkout.edited.isEmpty {
                line += "; left \(checkout.edited.joined(separator: ", ")) as you changed them (compare with `git diff \(config.target) -- <file>`)"
            }
            lines.append(line)
        }
        return lines
    }

    private func indexModificationTime(of repo: Repository) -> Date {
        let attributes = try? FileManager.default.attributesOfItem(atPath: repo.gitDir + "/index")
        return (attributes?[.modificationDate] as? Date) ?? .distantPast
    }
}
