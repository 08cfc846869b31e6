import Foundation
import OrchestrateGit

extension Orchestrator {
    /// Who is acting, for the audit trail of events that do not vouch for anything (adding,
    /// starting, progress): `ORCHESTRATE_ACTOR`, else git's identity, else the login name.
    /// Approvals, rejections and merges use `requireIdentity()` instead, which refuses.
    public var actor: String {
        if let actor = context.environment["ORCHESTRATE_ACTOR"], !actor.isEmpty { return actor }
        if case .success(let identity) = gitIdentity { return identity.description }
        return Orchestrator.loginName(context.environment)
    }

    /// The identity an approval, rejection or merge is recorded under — `ORCHESTRATE_ACTOR`
    /// when set, else exactly git's (`git var GIT_COMMITTER_IDENT`) — or, when git knows no
    /// one, git's own advice as an error (exit 2). Never a made-up name.
    public func requireIdentity() throws -> String {
        if let actor = context.environment["ORCHESTRATE_ACTOR"], !actor.isEmpty { return actor }
        return try gitIdentity.get().description
    }

    /// The committer of commits we write on the user's behalf (replayed and revert commits):
    /// git's identity, refusing as git would when there is none.
    func requireCommitter() throws -> Signature {
        let identity = try gitIdentity.get()
        return Signature(name: identity.name, email: identity.email, time: context.now())
    }

    /// Who wrote the snapshot commit of uncommitted work (kept, never landed): git's identity
    /// when there is one; the work is kept regardless, so an agent's timeout never fails on it.
    var snapshotSignature: Signature {
        if case .success(let identity) = gitIdentity {
            return Signature(name: identity.name, email: identity.email, time: context.now())
        }
        return Signature(name: "git-orchestrate", email: "git-orchestrate@localhost", time: context.now())
    }

    /// The login name, the last resort for events nobody vouches for.
    static func loginName(_ environment: [String: String]) -> String {
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return user }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(geteuid())"
    }
}
