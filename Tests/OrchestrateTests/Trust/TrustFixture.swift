import Foundation
import OrchestrateTestSupport
import Testing

/// A team set-up with real programs: a bare "server" repository with the pre-receive gate,
/// a clone where an agent works, and Rita, a reviewer whose SSH key (made with ssh-keygen in
/// the test) is in the allowed signers of the clone and of the server.
struct TrustTeam {
    let repo: TestRepo
    let server: String
    let ritaKey: String
    let allowedSigners: String
    static let rita = "Rita Reviewer <rita@example.com>"

    /// `requireSigned` is set both in the configuration and on the server.
    init(requireSigned: Bool = true, serverHook: Bool = true) throws {
        try TrustTeam.ensureSSHKeygen()
        repo = try TestRepo()
        server = repo.scratch + "/server.git"
        ritaKey = repo.scratch + "/rita_ed25519"
        allowedSigners = repo.scratch + "/allowed_signers"
        let keygen = try runProcess(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "rita", "-f", ritaKey], cwd: repo.scratch,
            environment: repo.environment)
        guard keygen.status == 0 else { throw TestFailure("ssh-keygen failed: \(keygen)") }
        let publicKey = try String(contentsOfFile: ritaKey + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try "rita@example.com \(publicKey)\n".write(toFile: allowedSigners, atomically: true, encoding: .utf8)
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "sync": {"remote": "origin"}, "approvals": {"requireSigned": \#(requireSigned)}}"#)
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "Configure git-orchestrate")
        try repo.git("init", "-q", "--bare", "-b", "main", server)
        try repo.git("remote", "add", "origin", server)
        try repo.git("push", "-q", "origin", "main")
        try repo.git("config", "gpg.ssh.allowedSignersFile", allowedSigners)
        if serverHook {
            try repo.git("--git-dir=\(server)", "config", "gpg.ssh.allowedSignersFile", allowedSigners)
            let args = ["hooks", "install", "--server"] + (requireSigned ? ["--require-signed"] : [])
            let installed = try runProcess([orchestrateBinary] + args, cwd: server, environment: repo.environment)
            guard installed.status == 0 else { throw TestFailure("hooks install --server failed: \(installed)") }
        }
        try repo.orchestrateOK("init")
    }

    /// Installs ssh-keygen (Debian's openssh-client) when it is missing; fails loudly, naming
    /// the package, when it cannot.
    static func ensureSSHKeygen() throws {
        let env = ProcessInfo.processInfo.environment
        if try runProcess(["sh", "-c", "command -v ssh-keygen"], cwd: "/", environment: env).status == 0 { return }
        print("ssh-keygen is missing: installing openssh-client with apt-get for the trust tests")
        _ = try runProcess(["apt-get", "update", "-qq"], cwd: "/", environment: env)
        _ = try runProcess(
            ["apt-get", "install", "-y", "-qq", "openssh-client"], cwd: "/", environment: env.merging(["DEBIAN_FRONTEND": "noninteractive"]) { $1 })
        guard try runProcess(["sh", "-c", "command -v ssh-keygen"], cwd: "/", environment: env).status == 0 else {
            throw TestFailure("the trust tests need ssh-keygen and apt-get could not install openssh-client; install it and run them again")
        }
    }

    /// Rita's environment: her identity and her SSH signing key (git's own configuration keys,
    /// given as `git -c` would).
    var ritaEnvironment: [String: String] {
        var env = repo.environment(as: TrustTeam.rita)
        env["GIT_CONFIG_COUNT"] = "2"
        env["GIT_CONFIG_KEY_0"] = "gpg.format"
        env["GIT_CONFIG_VALUE_0"] = "ssh"
        env["GIT_CONFIG_KEY_1"] = "user.signingKey"
        env["GIT_CONFIG_VALUE_1"] = ritaKey
        return env
    }

    /// Runs git-orchestrate as Rita in `dir` (default: the clone).
    func asRita(_ args: String..., in dir: String? = nil) throws -> ProcessResult {
        try runProcess([orchestrateBinary] + args, cwd: dir ?? repo.path, environment: ritaEnvironment)
    }

    /// The agent's task: added, started, one commit, submitted. Returns the commit.
    func agentTask(_ id: String, file: String) throws -> String {
        try repo.orchestrateOK("add", "Work on \(file)", "--id", id)
        let worktree = try repo.orchestrateOK("start", id)
        let oid = try repo.commit(file, "\(file)\n", message: "Add \(file)", in: worktree)
        try repo.orchestrateOK("submit", id)
        return oid
    }

    /// A ref of the server, or nil.
    func serverRef(_ ref: String) throws -> String? {
        let result = try repo.gitResult("--git-dir=\(server)", "rev-parse", "--verify", "-q", ref)
        return result.status == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }
}
