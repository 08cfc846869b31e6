import OrchestrateStore

/// Where the audit trail ends, readable from any thread: what the dashboard's event stream and
/// `watch` ask several times a second to learn that something changed, without opening a
/// repository or reading state.
public struct AuditHead: Sendable {
    let store: Store

    /// The newest audit sequence number (0 when the trail is empty).
    public func latest() throws -> Int64 {
        try store.read { try $0.latestAuditSeq() }
    }
}

extension Orchestrator {
    /// The newest audit sequence number: whether anything changed since a view was drawn.
    public func latestAuditSeq() throws -> Int64 { try auditHead.latest() }

    /// A handle on the end of the audit trail that outlives this object and crosses threads.
    public var auditHead: AuditHead { AuditHead(store: store) }
}
