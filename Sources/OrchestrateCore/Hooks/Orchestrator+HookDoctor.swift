import Foundation

extension Orchestrator {
    /// What `doctor` says about the hooks: each one installed and current, and the executable
    /// the shims fall back on still there.
    func hookFindings() throws -> [DoctorFinding] {
        let hooks = try hookStatus()
        let dir = try hooksDirectory()
        var findings: [DoctorFinding] = []
        let installed = hooks.filter { $0.state == .ours || $0.state == .chained || $0.state == .hosted }
        if installed.isEmpty {
            return [DoctorFinding(
                severity: .warning,
                message: "no git-orchestrate hooks in \(dir): commits are noticed only by `status` and pushes are not gated; run `git orchestrate hooks install`")]
        }
        for hook in hooks where hook.state != .ours && hook.state != .chained && hook.state != .hosted {
            let why: String
            switch hook.state {
            case .missing: why = "is missing"
            case .outdated: why = "is an older version of the shim"
            default:
                if let manager = hook.manager, let kept = hook.keptShimPath {
                    why = "is \(manager)'s, which moved our shim to \(kept) and does not run it"
                } else {
                    why = "is another tool's hook, not ours"
                }
            }
            findings.append(DoctorFinding(
                severity: .problem, message: "the hook \(hook.path) \(why); run `git orchestrate hooks install`"))
        }
        // A relative core.hooksPath: git runs our shims only in work trees pointed at them.
        for tree in try worktreeHookCoverage() where !tree.covered {
            findings.append(DoctorFinding(
                severity: .problem,
                message: "git does not run the git-orchestrate hooks in the work tree \(tree.workTree) (core.hooksPath there is not \(dir)), so the pre-push gate and progress do not run there; run `git orchestrate hooks install`"))
        }
        if findings.isEmpty {
            let chained = hooks.filter { $0.state == .chained }.map(\.name.rawValue)
            findings.append(DoctorFinding(
                severity: .ok,
                message: "hooks installed in \(dir)" + (chained.isEmpty ? "" : " (chained: \(chained.joined(separator: ", ")))")))
        }
        let onPath = (context.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/git-orchestrate")
        }
        if !onPath {
            let recorded = try mainRepository.configString("orchestrate.binary")
            if recorded.map({ !FileManager.default.isExecutableFile(atPath: $0) }) ?? true {
                findings.append(DoctorFinding(
                    severity: .problem,
                    message: "git-orchestrate is not on PATH and the path recorded at install (\(recorded ?? "none")) is gone: progress hooks do nothing and the gate refuses every push; put it on PATH or run `git orchestrate hooks install` again"))
            }
        }
        return findings
    }
}
