import Foundation
import OrchestrateGit
import OrchestrateModel

/// The pre-receive gate of a shared bare repository: decides a whole push from the refs it
/// holds alone (the ledger, the protected branches), with no database and no work tree.
/// Its settings are git config of the bare repository, written by `hooks install --server`.
public struct ServerGate {
    /// What the server enforces.
    public struct Settings: Sendable {
        /// Globs of protected branch names (`orchestrate.protectedBranch`, multi-valued).
        public var protectedBranches: [String]
        /// Distinct approvers needed (`orchestrate.approvalsRequired`).
        public var required: Int
        /// Whether approvals and landings count only when signed by an allowed signer
        /// (`orchestrate.requireSigned`).
        public var requireSigned: Bool
        /// `gpg.ssh.allowedSignersFile` of the server.
        public var allowedSigners: String?
        /// Whether an approver may approve commits they wrote or committed
        /// (`orchestrate.allowSelfApproval`, default false).
        public var allowSelfApproval = false
    }

    let repository: Repository
    let settings: Settings
    let environment: [String: String]

    /// One line of pre-receive input.
    struct Update {
        var old: ObjectID
        var new: ObjectID
        var ref: String
    }

    /// Decides the push: the refusals, one sentence each (empty: accepted).
    func refusals(input: String) throws -> [String] {
        let updates = try input.split(separator: "\n").compactMap { line -> Update? in
            let f = line.split(separator: " ")
            guard f.count == 3, let old = ObjectID(hex: String(f[0])), let new = ObjectID(hex: String(f[1])) else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
                throw OrchestrateError.badInput("git passed the pre-receive hook a line it cannot read: \(line)")
            }
            return Update(old: old, new: new, ref: String(f[2]))
        }
        var refusals: [String] = []
        let ledgerUpdate = updates.first { $0.ref == Ledger.ref }
        if let update = ledgerUpdate { refusals += try ledgerRefusals(update) }
        let ledgerTip = try ledgerUpdate.map { $0.new.isZero ? nil : $0.new } ?? repository.referenceTarget(Ledger.ref)
        let protectedTips = try repository.references(matching: "refs/heads/*")
            .filter { isProtected($0.name) }.map(\.target)
        var state: LedgerState?
        var verified: [ObjectID: Bool] = [:]
        let ssh = SSHSignatures(environment: environment)
        let allowed = settings.allowedSigners ?? ""
        for update in updates where isProtected(update.ref) {
            let branch = update.ref.dropFirst("refs/heads/".count)
            if update.new.isZero {
                refusals.append("deleting the protected branch \(branch) is refused by the git-orchestrate server gate")
                continue
            }
            if !update.old.isZero, try !repository.contains(update.new, ancestor: update.old) {
                refusals.append("\(branch) may only move forward: \(update.new.short()) does not contain its tip \(update.old.short()) (a force push rewinds approved history); push on top of it")
                continue
            }
            let hiding = (update.old.isZero ? [] : [update.old]) + protectedTips
            let commits = try repository.commits(from: [update.new], hiding: hiding)
            guard !commits.isEmpty else { continue }
            if state == nil { state = LedgerState(events: try ledgerTip.map { try Ledger(repository: repository).events(from: $0) } ?? []) }
            let requireSigned = settings.requireSigned
            let cleared = state?.cleared(
                among: Set(commits), required: settings.required,
                trusts: { approval in
                    if !settings.allowSelfApproval, selfApproved(approval, among: commits) { return false }
                    guard requireSigned else { return true }
                    if let known = verified[approval.event.commit] { return known }
                    let ok = approval.event.signature.map { sig in
                        approval.approver.email.map { ssh.verify(approval.event.payloadText, signature: sig, principal: $0, allowedSigners: allowed) } ?? false
                    } ?? false
                    verified[approval.event.commit] = ok
                    return ok
                },
                trustsLanding: { event in
                    guard requireSigned else { return true }
                    guard let sig = event.signature else { return false }
                    return !ssh.principals(of: event.payloadText, signature: sig, allowedSigners: allowed).isEmpty
                }) ?? []
            let offenders = commits.filter { !cleared.contains($0) }
            guard !offenders.isEmpty else { continue }
            var lines = ["push to \(branch) refused by the git-orchestrate server gate: \(offenders.count) of \(commits.count) commit\(commits.count == 1 ? "" : "s") lack\(offenders.count == 1 ? "s" : "") an approval in \(Ledger.ref)\(requireSigned ? " signed by an allowed signer" : ""); approve them and push the ledger with them (`git orchestrate sync`):"]
            for oid in offenders.prefix(10) { lines.append("  \(oid.short()) \(try repository.commitInfo(oid).summary)") }
            if offenders.count > 10 { lines.append("  … and \(offenders.count - 10) more") }
            refusals.append(lines.joined(separator: "\n"))
        }
        return refusals
    }

    /// A ledger push must extend the ledger (no deletion, no rewrite) and, when signatures are
    /// required, carry no signature that fails to verify. An unsigned event is accepted (a
    /// clone whose configuration does not sign must still be able to sync) but never counts.
    func ledgerRefusals(_ update: Update) throws -> [String] {
        if update.new.isZero { return ["deleting \(Ledger.ref) is refused: the ledger is append-only"] }
        if !update.old.isZero, try !repository.contains(update.new, ancestor: update.old) {
            return ["\(Ledger.ref) may only grow: \(update.new.short()) does not contain \(update.old.short()) (a non-fast-forward rewrite of the ledger); run `git orchestrate sync`, which joins ledgers instead"]
        }
        guard settings.requireSigned else { return [] }
        let ssh = SSHSignatures(environment: environment)
        let allowed = settings.allowedSigners ?? ""
        var refusals: [String] = []
        let hiding = update.old.isZero ? [] : [update.old]
        for event in try Ledger(repository: repository).events(from: update.new, hiding: hiding) {
            switch event.kind {
            case "approved":
                guard event.signature != nil else { continue }
                let ok = event.signature.flatMap { sig in
                    PersonIdentity(event.approver ?? "").email.map {
                        ssh.verify(event.payloadText, signature: sig, principal: $0, allowedSigners: allowed)
                    }
                } ?? false
                if !ok {
                    refusals.append("the ledger commit \(event.commit.short()) holds an approval of \(event.task ?? "?") by \(event.approver ?? "nobody") without a signature that verifies against the server's allowed signers; approve with a key listed there")
                }
            case "landed", "reverted":
                guard event.signature != nil else { continue }
                let ok = event.signature.map { !ssh.principals(of: event.payloadText, signature: $0, allowedSigners: allowed).isEmpty } ?? false
                if !ok {
                    refusals.append("the ledger commit \(event.commit.short()) records a \(event.kind == "landed" ? "landing" : "revert") of \(event.task ?? "?") without a signature by an allowed signer; run the merge buffer with a signing key listed in the server's allowed signers")
                }
            default:
                continue
            }
        }
        return refusals
    }

    /// Whether the approver wrote or committed one of the approved commits being pushed: the
    /// self-approval rule, enforced where no local configuration can switch it off.
    func selfApproved(_ approval: LedgerState.Approval, among pushed: [ObjectID]) -> Bool {
        let pushedSet = Set(pushed)
        for oid in approval.commits where pushedSet.contains(oid) {
            guard let info = try? repository.commitInfo(oid) else { continue }
            if approval.approver.matches(PersonIdentity(info.author.identity))
                || approval.approver.matches(PersonIdentity(info.committer.identity))
            {
                return true
            }
        }
        return false
    }

    func isProtected(_ ref: String) -> Bool {
        guard ref.hasPrefix("refs/heads/") else { return false }
        let branch = String(ref.dropFirst("refs/heads/".count))
        return settings.protectedBranches.contains { Glob.matches($0, branch) }
    }
}
