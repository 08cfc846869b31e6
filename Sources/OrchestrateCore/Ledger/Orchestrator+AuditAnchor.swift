import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// Checks an intact hash chain against what the ledger anchored: the chain must begin with
    /// the row recorded as this database's chain (`orchestrate.auditChain`), every anchored
    /// row must still be there with the anchored hash (so truncation, deletion and re-chaining
    /// fail), and every approval, landing, revert and reject row after the first anchor must be
    /// one the ledger holds (so a forged, correctly chained row fails).
    func verifyAuditAnchors(_ chain: AuditVerification) throws -> AuditVerification {
        guard let configured = try repository.configString("orchestrate.auditChain") else { return chain }
        let events = try ledger.events()
        func bad(_ seq: Int64, _ problem: String) -> AuditVerification {
            AuditVerification.failure(rowsChecked: chain.rowsChecked, firstBadSeq: seq, problem: problem)
        }
        return try store.read { tx in
            guard try tx.auditHash(ofSeq: 1) == configured else {
                return bad(1, "the trail does not begin with the row the ledger anchors (git config orchestrate.auditChain): rows were deleted or the trail was replaced; `git orchestrate doctor --repair` rebuilds it from the ledger")
            }
            var anchored = Set<Int64>()
            // An event whose process was killed before its rows were committed anchors a row that
            // never existed; once imported (`doctor --repair`), its audit row is the import's.
            let imported = try tx.importedLedgerCommits()
            for event in events where !imported.contains(event.commit.hex) {
                guard let anchor = event.anchor, anchor["chain"]?.stringValue == configured,
                    let seq = anchor["seq"]?.intValue, let hash = anchor["hash"]?.stringValue
                else { continue }
                anchored.insert(seq)
                guard let found = try tx.auditHash(ofSeq: seq) else {
                    return bad(seq, "the ledger (commit \(event.commit.short())) anchors row \(seq), which is gone: the trail was truncated (or a command was killed while recording it: `git orchestrate doctor --repair` imports the event)")
                }
                if found != hash {
                    return bad(seq, "its hash is not the one the ledger anchored at commit \(event.commit.short()): the trail was rewritten and re-chained")
                }
            }
            guard let first = anchored.min() else { return chain }
            let governed: Set<String> = [AuditKind.approved, .landed, .reverted, .rejected].map(\.rawValue).reduce(into: []) { $0.insert($1) }
            for row in try tx.auditEvents() where row.seq >= first && governed.contains(row.kind) && !anchored.contains(row.seq) {
                if try isImportedRow(row) { continue }
                return bad(row.seq, "it records \(row.kind == "approved" ? "an approval" : "a \(row.kind) event") that the ledger does not hold: the row was not written by git-orchestrate")
            }
            return chain
        }
    }

    /// Whether an audit row was written by an import of a ledger event (it names a ledger
    /// commit holding an event of the same task).
    private func isImportedRow(_ event: AuditEvent) throws -> Bool {
        guard let detail = try? JSONValue.parse(event.detail).objectValue, let hex = detail["ledger"]?.stringValue,
            let oid = ObjectID(hex: hex), try repository.hasObject(oid)
        else { return false }
        guard let held = try ledger.event(at: oid) else { return false }
        return held.task == event.task
    }
}
