import Foundation
import GRDB
import OrchestrateModel

/// The result of re-computing the audit hash chain.
public struct AuditVerification: Sendable, Equatable {
    /// How many rows were checked.
    public var rowsChecked: Int
    /// The first row that does not match, or nil when the chain is intact.
    public var firstBadSeq: Int64?
    /// Why that row does not match.
    public var problem: String?
    /// The hash of the last row (the chain's head), or nil when empty.
    public var headHash: String?

    /// Whether the chain is intact.
    public var isIntact: Bool { firstBadSeq == nil }
}

/// The hash chain: computed in this one place, for appending and for verifying.
enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 of the previous row's hash and this row's canonical content.
    static func hash(
        prevHash: String, seq: Int64, time: String, kind: String, task: String?, oid: String?,
        actor: String, detail: String
    ) -> String {
        let content: JSONValue = [
            "seq": .int(seq), "time": .string(time), "kind": .string(kind), "task": .optional(task),
            "oid": .optional(oid), "actor": .string(actor), "detail": .string(detail),
        ]
        return SHA256.hex(prevHash + "\n" + content.canonicalText)
    }
}

extension StoreTransaction {
    /// Appends an event to the audit trail, chained to the last row, in this transaction.
    @discardableResult
    public func appendAudit(_ event: NewAuditEvent) throws -> AuditEvent {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"))
        let seq: Int64 = (last?["seq"] ?? 0) + 1
        let prevHash: String = last?["hash"] ?? AuditChain.genesis
        let time = Timestamp.format(now)
        let detail = JSONValue.object(event.detail).canonicalText
        let hash = AuditChain.hash(
            prevHash: prevHash, seq: seq, time: time, kind: event.kind.rawValue,
            task: event.task?.rawValue, oid: event.oid, actor: event.actor, detail: detail)
        try db.cachedStatement(
            sql: """
                INSERT INTO audit_events (seq, time, kind, task, oid, actor, detail, prevHash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                seq, time, event.kind.rawValue, event.task?.rawValue, event.oid, event.actor,
                detail, prevHash, hash,
            ])
        return AuditEvent(
            seq: seq, time: Timestamp.parse(time) ?? now, kind: event.kind.rawValue,
            task: event.task?.rawValue, oid: event.oid, actor: event.actor, detail: detail,
            prevHash: prevHash, hash: hash)
    }

    /// The commits recorded by `init` as the protected branches' history before
    /// git-orchestrate (the `initialized` event's `baseline`); empty when none was recorded.
    public func initializationBaseline() throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT value FROM json_each(
                        (SELECT detail FROM audit_events WHERE kind = 'initialized' ORDER BY seq LIMIT 1), '$.baseline')
                    """))
    }

    /// Audit events, oldest first: for one task, since a time, the newest `limit` of them.
    public func auditEvents(task: TaskID? = nil, since: Date? = nil, limit: Int? = nil) throws -> [AuditEvent] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let task {
            conditions.append("task = ?")
            _ = arguments.append(contentsOf: [task.rawValue])
        }
        if let since {
            conditions.append("time >= ?")
            _ = arguments.append(contentsOf: [Timestamp.format(since)])
        }
        var sql = "SELECT * FROM audit_events"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY seq DESC"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(AuditEvent.init(row:)).reversed()
    }

    /// Recomputes the whole chain and reports the first row that does not match.
    public func verifyAuditChain() throws -> AuditVerification {
        var expectedPrev = AuditChain.genesis
        var expectedSeq: Int64 = 1
        var checked = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_events ORDER BY seq")
        while let row = try cursor.next() {
            let event = AuditEvent(row: row)
            checked += 1
            func bad(_ problem: String) -> AuditVerification {
                AuditVerification(rowsChecked: checked, firstBadSeq: event.seq, problem: problem, headHash: nil)
            }
            if event.seq != expectedSeq {
                return bad("expected row \(expectedSeq) here: a row was deleted or inserted")
            }
            if event.prevHash != expectedPrev {
                return bad("its previous-hash does not match the row before it: a row was deleted, inserted or rewritten")
            }
            let recomputed = AuditChain.hash(
                prevHash: event.prevHash, seq: event.seq, time: row["time"], kind: event.kind,
                task: event.task, oid: event.oid, actor: event.actor, detail: event.detail)
            if recomputed != event.hash { return bad("its content does not match its hash: the row was edited") }
            expectedPrev = event.hash
            expectedSeq += 1
        }
        return AuditVerification(
            rowsChecked: checked, firstBadSeq: nil, problem: nil,
            headHash: checked == 0 ? nil : expectedPrev)
    }
}

extension AuditEvent {
    init(row: Row) {
        self.init(
            seq: row["seq"], time: Timestamp.parse(row["time"]) ?? Date(timeIntervalSince1970: 0),
            kind: row["kind"], task: row["task"], oid: row["oid"], actor: row["actor"],
            detail: row["detail"], prevHash: row["prevHash"], hash: row["hash"])
    }
}
