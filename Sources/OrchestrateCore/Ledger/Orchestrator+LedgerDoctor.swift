import Foundation
import OrchestrateGit
import OrchestrateModel

extension Orchestrator {
    /// What `doctor` says of the ledger: whether there is one, whether it records the history
    /// taken as given, and ledger events the database lacks (imported by `--repair`, which
    /// `openForDoctor` has already done when asked).
    func doctorLedger() throws -> [DoctorFinding] {
        guard let tip = try ledger.tip() else {
            return [DoctorFinding(
                severity: .warning,
                message: "there is no approvals ledger (\(Ledger.ref)) yet: this repository was initialised before it existed, so nothing is approved for the gate until approvals are recorded again")]
        }
        var findings: [DoctorFinding] = []
        let pending = try importLedger(dryRun: true).pending
        if pending > 0 {
            findings.append(DoctorFinding(
                severity: .problem,
                message: "\(pending) ledger event\(pending == 1 ? " is" : "s are") missing from the database (another clone's, or a command killed while recording); run `git orchestrate doctor --repair` to import \(pending == 1 ? "it" : "them")"))
        } else {
            findings.append(DoctorFinding(severity: .ok, message: "the approvals ledger \(Ledger.ref) (at \(tip.short())) and the database agree"))
        }
        return findings
    }
}
