import Foundation
import OrchestrateGit
import OrchestrateModel

/// What the gate may trust, folded from the ledger's events alone (never from SQLite rows):
/// the approvals still standing per task and head, the commits the merge buffer landed or
/// reverted, and the history `init` took as given.
struct LedgerState {
    /// One approval still standing (not withdrawn by a later reject of its task).
    struct Approval {
        var event: LedgerEvent
        var task: String
        var head: String
        var approver: PersonIdentity
        var commits: [ObjectID]
    }

    var approvals: [Approval] = []
    /// Landed and revert commits, with the event that recorded them.
    var landed: [(event: LedgerEvent, commits: [ObjectID])] = []
    /// Protected-branch tips recorded by `init` events.
    var baseline: [ObjectID] = []

    init(events: [LedgerEvent]) {
        for event in events {
            switch event.kind {
            case "initialized":
                baseline += event.oids("baseline")
            case "approved":
                guard let task = event.task, let head = event.payload["oid"]?.stringValue, let approver = event.approver
                else { continue }
                approvals.append(Approval(
                    event: event, task: task, head: head, approver: PersonIdentity(approver), commits: event.oids("commits")))
            case "rejected", "revoked":
                // A change rejected before landing is no longer approved: its approvals stop
                // clearing anything (what was landed stays landed).
                approvals.removeAll { $0.task == event.task }
            case "landed", "reverted":
                landed.append((event, event.oids("landed")))
            default:
                continue
            }
        }
    }

    /// The commits of `among` that the ledger clears: part of a change approved by at least
    /// `required` distinct approvers whose approval `trusts`, or landed/reverted by an event
    /// `trustsLanding` accepts. Only events that cover a commit of `among` are checked (a
    /// signature check starts a process).
    func cleared(
        among: Set<ObjectID>, required: Int, trusts: (Approval) -> Bool, trustsLanding: (LedgerEvent) -> Bool
    ) -> Set<ObjectID> {
        var result = Set<ObjectID>()
        for entry in landed where entry.commits.contains(where: among.contains) {
            if trustsLanding(entry.event) { result.formUnion(entry.commits.filter(among.contains)) }
        }
        var groups: [String: [Approval]] = [:]
        for approval in approvals where approval.commits.contains(where: among.contains) {
            groups[approval.task + " " + approval.head, default: []].append(approval)
        }
        for (_, group) in groups {
            var distinct: [PersonIdentity] = []
            for approval in group where !distinct.contains(where: { $0.matches(approval.approver) }) {
                if trusts(approval) { distinct.append(approval.approver) }
            }
            guard distinct.count >= max(1, required) else { continue }
            for approval in group { result.formUnion(approval.commits.filter(among.contains)) }
        }
        return result
    }

    /// Whether head `oid` of `task` has enough trusted approvals.
    func isApproved(task: String, head: String, required: Int, trusts: (Approval) -> Bool) -> Bool {
        var distinct: [PersonIdentity] = []
        for approval in approvals where approval.task == task && approval.head == head {
            if !distinct.contains(where: { $0.matches(approval.approver) }), trusts(approval) {
                distinct.append(approval.approver)
            }
        }
        return distinct.count >= max(1, required)
    }
}
