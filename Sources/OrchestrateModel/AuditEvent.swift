import Foundation

/// The kinds of event in the audit trail. Raw values are the contract's names.
public enum AuditKind: String, CaseIterable, Sendable {
    case initialized, added, started, claimed, progress, submitted, approved, approvalVoided,
        rejected, restored, landed, conflicted, checkFailed, reverted, cancelled, gateRefused,
        gatePassed, requeued, runStarted, runEnded, heartbeatLost, repaired, collected
    /// A field of a task changed by `edit` (detail: `field`, `old`, `new`).
    case edited
    /// The closed loop (docs/agents.md): a failure sent back to the agent, an agent seen stalled.
    case returnedToAgent, stalled
}

/// An event to append to the audit trail; the store gives it a sequence number and a hash.
public struct NewAuditEvent: Sendable {
    public var kind: AuditKind
    public var task: TaskID?
    public var oid: String?
    public var actor: String
    /// Free-form facts about the event, as a JSON object (keys sorted when hashed).
    public var detail: [String: JSONValue]

    public init(
        kind: AuditKind, task: TaskID? = nil, oid: String? = nil, actor: String,
        detail: [String: JSONValue] = [:]
    ) {
        self.kind = kind
        self.task = task
        self.oid = oid
        self.actor = actor
        self.detail = detail
    }
}

/// A row of the audit trail as stored.
public struct AuditEvent: Sendable, Equatable {
    public var seq: Int64
    public var time: Date
    public var kind: String
    public var task: String?
    public var oid: String?
    public var actor: String
    /// The detail as canonical JSON text.
    public var detail: String
    public var prevHash: String
    public var hash: String

    public init(
        seq: Int64, time: Date, kind: String, task: String?, oid: String?, actor: String,
        detail: String, prevHash: String, hash: String
    ) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.task = task
        self.oid = oid
        self.actor = actor
        self.detail = detail
        self.prevHash = prevHash
        self.hash = hash
    }
}

extension AuditEvent {
    /// The contract's JSON object for an event: `seq`, `time`, `kind`, `task`, `oid`, `actor`,
    /// `detail`, `hash`.
    public var json: JSONValue {
        [
            "seq": .int(seq), "time": .string(Timestamp.format(time)), "kind": .string(kind),
            "task": .optional(task), "oid": .optional(oid), "actor": .string(actor),
            "detail": (try? JSONValue.parse(detail)) ?? .string(detail), "hash": .string(hash),
        ]
    }
}
