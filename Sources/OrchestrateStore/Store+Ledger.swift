import Foundation
import GRDB
import OrchestrateModel

extension StoreTransaction {
    /// The hash of audit row `seq`, or nil when there is no such row.
    public func auditHash(ofSeq seq: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM audit_events WHERE seq = ?"), arguments: [seq])
    }
}

extension StoreTransaction {
    /// The ledger commits already taken into this database by an import (the `ledger` field
    /// of imported audit events).
    public func importedLedgerCommits() throws -> Set<String> {
        Set(try String.fetchAll(
            db, sql: "SELECT json_extract(detail, '$.ledger') FROM audit_events WHERE json_extract(detail, '$.ledger') IS NOT NULL"))
    }
}

extension AuditVerification {
    /// A failed verification reached outside the store (against the ledger's anchors).
    public static func failure(rowsChecked: Int, firstBadSeq: Int64, problem: String) -> AuditVerification {
        AuditVerification(rowsChecked: rowsChecked, firstBadSeq: firstBadSeq, problem: problem, headHash: nil)
    }
}
