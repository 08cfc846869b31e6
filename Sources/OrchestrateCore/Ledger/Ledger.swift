import Foundation
import OrchestrateGit
import OrchestrateModel

/// One governance event as stored in the ledger: the commit that holds it, the exact bytes of
/// its payload (what a signature covers), the payload parsed, its signature, and the audit
/// anchor written beside it.
public struct LedgerEvent: Sendable {
    public var commit: ObjectID
    public var payloadText: Data
    public var payload: [String: JSONValue]
    /// An SSH signature (`ssh-keygen -Y sign`, namespace `Ledger.namespace`) of `payloadText`.
    public var signature: String?
    /// Where the writer's audit trail stood when it wrote this event.
    public var anchor: [String: JSONValue]?

    public var kind: String { payload["kind"]?.stringValue ?? "" }
    public var task: String? { payload["task"]?.stringValue }
    /// The approving identity recorded in the payload (approvals only).
    public var approver: String? { payload["approver"]?.stringValue }
    /// Commit ids listed under `key` (an array of hex strings).
    public func oids(_ key: String) -> [ObjectID] {
        (payload[key]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(ObjectID.init(hex:)) }
    }
}

/// The governance ledger: `refs/orchestrate/ledger`, a chain of commits, one per approval,
/// revocation, landing, revert and initialisation, so that git's own hashing anchors the
/// history of decisions and the ledger travels with the repository (`git orchestrate sync`).
/// Each commit's tree holds `event.json` (canonical JSON), `event.sig` when signed and
/// `audit.json` (the writer's audit chain head). A merge commit (two clones' ledgers joined by
/// sync) holds no event.
public struct Ledger {
    /// The ref that holds the ledger.
    public static let ref = "refs/orchestrate/ledger"
    /// The SSH signature namespace of approvals (like git's `git` namespace for commits).
    public static let namespace = "git-orchestrate-ledger"
    static let payloadFile = "event.json"
    static let signatureFile = "event.sig"
    static let anchorFile = "audit.json"

    let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// The ledger's tip, or nil when nothing was ever recorded.
    public func tip() throws -> ObjectID? { try repository.referenceTarget(Ledger.ref) }

    /// Appends an event on top of the tip with a compare-and-swap of the ref (retried when a
    /// concurrent writer moved it first). Returns the new commit.
    @discardableResult
    public func append(
        payload: [String: JSONValue], signature: String?, anchor: [String: JSONValue]?, author: Signature
    ) throws -> ObjectID {
        let text = Data(JSONValue.object(payload).canonicalText.utf8)
        var files = [Ledger.payloadFile: try repository.writeBlob(text)]
        if let signature { files[Ledger.signatureFile] = try repository.writeBlob(Data(signature.utf8)) }
        if let anchor { files[Ledger.anchorFile] = try repository.writeBlob(Data(JSONValue.object(anchor).canonicalText.utf8)) }
        let tree = try repository.writeFlatTree(files)
        let kind = payload["kind"]?.stringValue ?? "event"
        let subject = [kind, payload["task"]?.stringValue, payload["oid"]?.stringValue.map { String($0.prefix(12)) }]
            .compactMap { $0 }.joined(separator: " ")
        for _ in 0..<20 {
            let parent = try tip()
            let commit = try repository.createCommit(
                tree: tree, parents: parent.map { [$0] } ?? [], author: author, committer: author,
                message: "orchestrate: \(subject)\n")
            do {
                try repository.setReference(Ledger.ref, to: commit, expecting: parent, message: "orchestrate: \(subject)")
                return commit
            } catch let error as GitError where error.code == .modified || error.code == .exists || error.code == .locked {
                usleep(5_000)
                continue
            }
        }
        throw OrchestrateError.failed("the ledger \(Ledger.ref) kept moving under this write; retry the command")
    }

    /// Every event, oldest first (topological order), from `tip` (default: the ledger's tip).
    public func events(from tip: ObjectID? = nil) throws -> [LedgerEvent] {
        guard let head = try tip ?? self.tip() else { return [] }
        return try repository.commits(from: [head], hiding: []).compactMap(event(at:))
    }

    /// The events of the commits reachable from `head` and not from `hiding`, oldest first.
    public func events(from head: ObjectID, hiding: [ObjectID]) throws -> [LedgerEvent] {
        try repository.commits(from: [head], hiding: hiding).compactMap(event(at:))
    }

    /// The event stored in `commit`, nil for a merge commit (or any commit without one).
    public func event(at commit: ObjectID) throws -> LedgerEvent? {
        let files = try repository.topLevelFiles([Ledger.payloadFile, Ledger.signatureFile, Ledger.anchorFile], in: commit)
        guard let text = files[Ledger.payloadFile] else { return nil }
        guard let payload = Ledger.parseObject(text) else {
            throw OrchestrateError.failed("the ledger commit \(commit.short()) holds an event that is not a JSON object; the ledger is damaged")
        }
        let signature = files[Ledger.signatureFile].map { String(decoding: $0, as: UTF8.self) }
        let anchor = files[Ledger.anchorFile].flatMap(Ledger.parseObject)
        return LedgerEvent(commit: commit, payloadText: text, payload: payload, signature: signature, anchor: anchor)
    }

    /// Parses a JSON object with Foundation's JSONSerialization: the Codable decoder took a
    /// third of a `verify` over a ledger of 5,000 events (docs/performance.md).
    static func parseObject(_ data: Data) -> [String: JSONValue]? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object.mapValues(value)
    }

    private static func value(_ any: Any) -> JSONValue {
        switch any {
        case let s as String: return .string(s)
        case let n as NSNumber:
            // A JSON true/false is an NSNumber holding a Bool (type "c" or "B"), never an integer.
            let type = String(cString: n.objCType)
            if type == "c" || type == "B" { return .bool(n.boolValue) }
            if let i = Int64(exactly: n.doubleValue) { return .int(i) }
            return .double(n.doubleValue)
        case let a as [Any]: return .array(a.map(value))
        case let o as [String: Any]: return .object(o.mapValues(value))
        default: return .null
        }
    }
}
