import Foundation
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// The audit trail, oldest first, filtered by task, time and count.
    public func auditLog(task: String?, since: String?, limit: Int?) throws -> [AuditEvent] {
        let id = try task.map(parseID)
        let sinceDate = try since.map { try TimeSpec.parse($0, now: context.now()) }
        if let limit, limit < 0 { throw OrchestrateError.badInput("--limit must be 0 or more") }
        return try store.read { tx in
            if let id { _ = try requireTask(id, in: tx) }
            return try tx.auditEvents(task: id, since: sinceDate, limit: limit)
        }
    }

    /// Recomputes the audit hash chain — after SQLite's own integrity check of the file: rows
    /// on a damaged page can read back as if intact, or not at all.
    public func verifyAudit() throws -> AuditVerification {
        if case .damaged(let messages) = Store.inspect(path: store.path) {
            throw OrchestrateError.failed(
                "the state database \(store.path) is damaged (SQLite's integrity check: \(messages.first ?? "failed")), so its audit trail cannot be trusted; run `git orchestrate doctor` for how to recover it")
        }
        let chain = try store.read { try $0.verifyAuditChain() }
        guard chain.isIntact else { return chain }
        // Then against the anchors in the ledger (truncation, deletion, re-chaining).
        return try verifyAuditAnchors(chain)
    }
}

/// Parses `--since`: ISO-8601 or a duration back from now (`90s`, `30m`, `2h`, `3d`, `1w`).
public enum TimeSpec {
    public static func parse(_ text: String, now: Date) throws -> Date {
        if let date = Timestamp.parse(text) { return date }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        if let unit = text.last, let seconds = units[unit], let count = Double(text.dropLast()), count >= 0 {
            return now.addingTimeInterval(-count * seconds)
        }
        throw OrchestrateError.badInput(
            "\(text.debugDescription) is not a time; use ISO-8601 (2026-11-20T10:00:00Z) or a duration such as 2h or 3d")
    }
}
