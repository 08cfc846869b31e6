import Foundation
import OrchestrateModel

/// Why a task went back to its agent (or, past `agent.maxAttempts`, stopped): the evidence a
/// person or the next attempt needs, kept in the `returnedToAgent` audit event.
public enum LoopCause: Sendable, Equatable {
    /// A configured check failed on the rebased change.
    case checkFailed(check: String, command: [String], exitStatus: Int32, timedOut: Bool, outputTail: String, commit: String?)
    /// Replaying the change onto the target tip conflicted in `paths`.
    case conflicted(paths: [String], target: String, tip: String, commit: String?)
    /// The merge buffer rebased the change onto `tip` and its patch changed, voiding the approval.
    case approvalVoided(reason: String, target: String, tip: String?)
    /// A reviewer rejected the change with `--requeue`.
    case rejected(reason: String)
    /// The agent showed no activity for `idleSeconds` and was stopped (`agent.onStall: restart`).
    case stalled(idleSeconds: Int)

    /// The name stored as `cause` in the event's detail.
    public var name: String {
        switch self {
        case .checkFailed: return "checkFailed"
        case .conflicted: return "conflicted"
        case .approvalVoided: return "approvalVoided"
        case .rejected: return "rejected"
        case .stalled: return "stalled"
        }
    }

    /// The target commit the work must be rebased onto, when the cause calls for a rebase.
    public var rebaseOnto: String? {
        switch self {
        case .conflicted(_, _, let tip, _): return tip
        case .approvalVoided(_, _, let tip): return tip
        default: return nil
        }
    }

    /// One line for `show`, the feedback and the prompt's list of earlier causes.
    public var summary: String {
        switch self {
        case .checkFailed(let check, _, let status, let timedOut, _, _):
            return "check \(check) \(timedOut ? "timed out" : "failed with exit status \(status)")"
        case .conflicted(let paths, let target, let tip, _):
            return "conflicted with \(target) at \(tip.prefix(12)) in \(paths.joined(separator: ", "))"
        case .approvalVoided(let reason, _, _):
            return "approval voided: \(reason)"
        case .rejected(let reason):
            return "rejected: \(reason)"
        case .stalled(let idle):
            return "stalled: no commit, worktree change or progress for \(idle)s"
        }
    }

    /// The facts, as the audit event's detail (`cause` plus the cause's own fields).
    public var detail: [String: JSONValue] {
        var d: [String: JSONValue] = ["cause": .string(name), "summary": .string(summary)]
        switch self {
        case .checkFailed(let check, let command, let status, let timedOut, let tail, let commit):
            d["check"] = .string(check)
            d["command"] = .array(command.map(JSONValue.string))
            d["exitStatus"] = .int(Int64(status))
            d["timedOut"] = .bool(timedOut)
            d["outputTail"] = .string(tail)
            d["commit"] = .optional(commit)
        case .conflicted(let paths, let target, let tip, let commit):
            d["paths"] = .array(paths.map(JSONValue.string))
            d["target"] = .string(target)
            d["tip"] = .string(tip)
            d["commit"] = .optional(commit)
        case .approvalVoided(let reason, let target, let tip):
            d["reason"] = .string(reason)
            d["target"] = .string(target)
            d["tip"] = .optional(tip)
        case .rejected(let reason):
            d["reason"] = .string(reason)
        case .stalled(let idle):
            d["idleSeconds"] = .int(Int64(idle))
        }
        return d
    }

    /// Reads a cause back from a `returnedToAgent` event's detail.
    public init?(detail d: [String: JSONValue]) {
        let string = { (key: String) in d[key]?.stringValue }
        switch string("cause") {
        case "checkFailed":
            self = .checkFailed(
                check: string("check") ?? "?", command: d["command"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                exitStatus: Int32(truncatingIfNeeded: d["exitStatus"]?.intValue ?? -1),
                timedOut: d["timedOut"]?.boolValue ?? false, outputTail: string("outputTail") ?? "", commit: string("commit"))
        case "conflicted":
            self = .conflicted(
                paths: d["paths"]?.arrayValue?.compactMap(\.stringValue) ?? [], target: string("target") ?? "?",
                tip: string("tip") ?? "?", commit: string("commit"))
        case "approvalVoided":
            self = .approvalVoided(reason: string("reason") ?? "", target: string("target") ?? "?", tip: string("tip"))
        case "rejected":
            self = .rejected(reason: string("reason") ?? "")
        case "stalled":
            self = .stalled(idleSeconds: Int(d["idleSeconds"]?.intValue ?? 0))
        default:
            return nil
        }
    }

    /// The cause the merge buffer's last word on a task gives: its `checkFailed` or
    /// `conflicted` event, or an `approvalVoided` event written because a rebase changed the
    /// patch. Nil for anything else (a head that moved, a person's action).
    static func fromMergeEvent(_ event: AuditEvent, config: Config) -> LoopCause? {
        let d = (try? JSONValue.parse(event.detail))?.objectValue ?? [:]
        switch event.kind {
        case AuditKind.checkFailed.rawValue:
            let name = d["check"]?.stringValue ?? "?"
            return .checkFailed(
                check: name, command: config.checks.first { $0.name == name }?.command ?? [],
                exitStatus: Int32(truncatingIfNeeded: d["exitStatus"]?.intValue ?? -1),
                timedOut: d["timedOut"]?.boolValue ?? false, outputTail: d["outputTail"]?.stringValue ?? "",
                commit: event.oid)
        case AuditKind.conflicted.rawValue:
            return .conflicted(
                paths: d["paths"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                target: d["target"]?.stringValue ?? config.target, tip: d["tip"]?.stringValue ?? "?", commit: event.oid)
        case AuditKind.approvalVoided.rawValue:
            // Only the merge buffer's voiding names the tip it rebased onto.
            guard let reason = d["reason"]?.stringValue, reason.hasPrefix("the rebase onto ") else { return nil }
            let tip = reason.dropFirst("the rebase onto ".count).prefix { $0.isHexDigit }
            return .approvalVoided(reason: reason, target: config.target, tip: tip.count >= 40 ? String(tip) : nil)
        default:
            return nil
        }
    }
}
