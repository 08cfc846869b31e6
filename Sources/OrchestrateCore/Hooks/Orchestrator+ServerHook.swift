import Foundation
import OrchestrateGit
import OrchestrateModel

/// `hooks install --server` and the pre-receive hook it installs in a shared bare repository.
public enum ServerHook {
    /// The marker line that says a pre-receive hook is ours.
    static let marker = "# git-orchestrate hook shim: pre-receive"

    /// The pre-receive shim: chains the hook that was there before, then runs the gate. No
    /// binary found means no gate, so the push is refused (fail closed).
    static let script = """
        #!/bin/sh
        \(marker) (installed by `git orchestrate hooks install --server`).
        # Runs the hook that was here before (kept as pre-receive.orchestrate-chained), then the
        # server gate: every commit reaching a protected branch must be approved in the ledger.
        input=$(cat)
        chained="$(dirname "$0")/pre-receive.orchestrate-chained"
        if [ -x "$chained" ]; then
        \tprintf '%s\\n' "$input" | "$chained" "$@" || exit $?
        fi
        bin=$(command -v git-orchestrate 2>/dev/null) || bin=$(git config --get orchestrate.binary 2>/dev/null)
        if [ -z "$bin" ] || [ ! -x "$bin" ]; then
        \techo "error: git-orchestrate is not on PATH here and the path recorded at install is gone, so the server gate cannot check this push; install it (or run \\`git orchestrate hooks install --server\\` again)" >&2
        \texit 1
        fi
        printf '%s\\n' "$input" | exec "$bin" hook pre-receive "$@"

        """

    /// What `hooks install --server` did.
    public struct InstallReport: Sendable {
        public var hookPath: String
        /// Whether a hook that was already there is now chained.
        public var chained: Bool
        public var protectedBranches: [String]
        public var requireSigned: Bool
    }

    /// Installs the pre-receive gate in the bare repository around the current directory
    /// (chaining an existing hook) and records its settings in that repository's git config.
    public static func install(
        _ context: Context, protectedBranches: [String], required: Int, requireSigned: Bool
    ) throws -> InstallReport {
        let repository = try Repository.discover()
        guard repository.isBare else {
            throw OrchestrateError.badInput(
                "\(repository.commonDir) is not a bare repository; run `git orchestrate hooks install --server` in the shared repository everyone pushes to (for a clone, use `git orchestrate hooks install`)")
        }
        if requireSigned {
            guard let allowed = try repository.configString("gpg.ssh.allowedSignersFile"), FileManager.default.isReadableFile(atPath: allowed) else {
                throw OrchestrateError.badInput(
                    "--require-signed needs the server's allowed signers: run `git config gpg.ssh.allowedSignersFile /path/to/allowed_signers` in \(repository.commonDir) first")
            }
        }
        var branches = protectedBranches
        if branches.isEmpty {
            // The branch HEAD names when it exists (a bare repository made with `git init
            // --bare` may name a branch nobody pushed), else main or master, whichever exists.
            let head = try repository.headReferenceName() ?? "refs/heads/main"
            let candidates = [head, "refs/heads/main", "refs/heads/master"]
            let existing = try candidates.first { try repository.referenceTarget($0) != nil } ?? "refs/heads/main"
            branches = [String(existing.dropFirst("refs/heads/".count))]
        }
        let hooks = repository.commonDir + "/hooks"
        try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
        let hook = hooks + "/pre-receive"
        let chainedPath = hook + ".orchestrate-chained"
        var chained = FileManager.default.fileExists(atPath: chainedPath)
        if let existing = try? String(contentsOfFile: hook, encoding: .utf8), !existing.contains(marker) {
            guard !chained else {
                throw OrchestrateError.failed("both \(hook) and \(chainedPath) exist; merge them by hand, then install again")
            }
            guard rename(hook, chainedPath) == 0 else {
                throw OrchestrateError.failed("could not keep the existing \(hook) as \(chainedPath): \(String(cString: strerror(errno)))")
            }
            chained = true
        }
        let temporary = hook + ".tmp-\(getpid())"
        try Data(script.utf8).write(to: URL(fileURLWithPath: temporary))
        chmod(temporary, 0o755)
        guard rename(temporary, hook) == 0 else {
            unlink(temporary)
            throw OrchestrateError.failed("could not write \(hook): \(String(cString: strerror(errno)))")
        }
        try setConfig(repository, context, "orchestrate.protectedBranch", branches)
        try repository.setLocalConfig("orchestrate.approvalsRequired", to: String(required))
        try repository.setLocalConfig("orchestrate.requireSigned", to: requireSigned ? "true" : "false")
        if let binary = HookFiles.currentExecutable() { try repository.setLocalConfig("orchestrate.binary", to: binary) }
        return InstallReport(hookPath: hook, chained: chained, protectedBranches: branches, requireSigned: requireSigned)
    }

    private static func setConfig(_ repository: Repository, _ context: Context, _ key: String, _ values: [String]) throws {
        _ = try ToolProcess.run(["git", "config", "--unset-all", key], in: repository.commonDir, environment: context.environment)
        for value in values {
            let result = try ToolProcess.run(["git", "config", "--add", key, value], in: repository.commonDir, environment: context.environment)
            guard result.succeeded else { throw OrchestrateError.failed("could not set \(key) in \(repository.commonDir): \(result.firstError)") }
        }
    }

    /// Runs the pre-receive gate inside git (`git-orchestrate hook pre-receive`): exit 0
    /// accepts the whole push, 1 refuses it, with one `error:` paragraph per refusal.
    public static func run(_ context: Context, input: String) -> Int32 {
        do {
            let repository = try Repository.discover()
            let dir = repository.commonDir
            func all(_ key: String) throws -> [String] {
                let r = try ToolProcess.run(["git", "config", "--get-all", key], in: dir, environment: context.environment)
                return r.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            }
            let settings = ServerGate.Settings(
                protectedBranches: try all("orchestrate.protectedBranch").isEmpty ? ["main"] : try all("orchestrate.protectedBranch"),
                required: Int(try repository.configString("orchestrate.approvalsRequired") ?? "1") ?? 1,
                requireSigned: try repository.configString("orchestrate.requireSigned") == "true",
                allowedSigners: try all("gpg.ssh.allowedSignersFile").last,
                allowSelfApproval: try repository.configString("orchestrate.allowSelfApproval") == "true")
            let refusals = try ServerGate(repository: repository, settings: settings, environment: context.environment)
                .refusals(input: input)
            for refusal in refusals { context.err("error: " + refusal) }
            return refusals.isEmpty ? 0 : 1
        } catch {
            let message = (error as? OrchestrateError)?.message ?? "\(error)"
            context.err("error: the git-orchestrate server gate could not check this push (\(message)), so it is refused; fix that and push again")
            return 1
        }
    }
}
