import Foundation
import OrchestrateGit
import OrchestrateModel

extension Orchestrator {
    /// What `doctor` says of the ledger: whether there is one, and ledger events the database
    /// lacks (another clone's, or a command killed while recording), which `repair` imports.
    func doctorLedger(repair: Bool) throws -> [DoctorFinding] {
        guard let tip = try ledger.tip() else {
            return [DoctorFinding(
                severity: .warning,
                message: "there is no approvals ledger (\(Ledger.ref)) yet: this repository was initialised before it existed, so nothing is approved for the gate until approvals are recorded again")]
        }
        var findings: [DoctorFinding] = []
        let pending = try importLedger(dryRun: true).pending
        if pending > 0, repair {
            try importLedger()
            findings.append(DoctorFinding(
                severity: .problem,
                message: "\(pending) ledger event\(pending == 1 ? " was" : "s were") missing from the database: imported", repaired: true))
        } else if pending > 0 {
            findings.append(DoctorFinding(
                severity: .problem,
                message: "\(pending) ledger event\(pending == 1 ? " is" : "s are") missing from the database (another clone's, or a command killed while recording); run `git orchestrate doctor --repair` to import \(pending == 1 ? "it" : "them")"))
        } else {
            findings.append(DoctorFinding(severity: .ok, message: "the approvals ledger \(Ledger.ref) (at \(tip.short())) and the database agree"))
        }
        return findings
    }

    /// For a database `doctor` found lost or damaged: what the ledger can bring back.
    static func ledgerRebuildHint(_ repository: Repository) -> DoctorFinding? {
        guard let tip = try? repository.referenceTarget(Ledger.ref),
            let count = try? repository.commits(from: [tip], hiding: []).count
        else { return nil }
        return DoctorFinding(
            severity: .warning,
            message: "the approvals ledger \(Ledger.ref) holds \(count) commit\(count == 1 ? "" : "s") of governance events: `git orchestrate init --new-database` rebuilds the tasks it names, their approvals, landings and rejects from it (the gate and verify trust the ledger, not the database)")
    }
}
