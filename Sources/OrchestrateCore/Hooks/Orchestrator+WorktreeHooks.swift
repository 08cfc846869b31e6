import Foundation
import OrchestrateGit

/// Hooks next to a committed, relative `core.hooksPath` (husky style: `.githooks`, `.husky/_`).
///
/// git resolves a relative hooks path in each work tree against that work tree's root, so a
/// task worktree runs the hooks of *its own checkout* of the folder — never shims we wrote into
/// the main checkout's copy, which are tracked files we must not touch anyway. Instead the
/// shims go to `<common dir>/orchestrate/hooks`, and every work tree (the main checkout and each
/// task worktree) gets a per-worktree `core.hooksPath` pointing there (`config.worktree`, with
/// `extensions.worktreeConfig`). Beside each shim, and for every other hook git knows, a small
/// chain script runs the user's hook from `$PWD/<relative path>/<name>` — git runs hooks from
/// the work tree's root, so that is the hook of whichever work tree git is in.
extension Orchestrator {
    /// Where the shims go when `core.hooksPath` is relative.
    var worktreeShimDirectory: String { paths.stateDir + "/hooks" }

    /// The relative `core.hooksPath` the repository sets, or nil when it sets none or an
    /// absolute one (then the hooks folder is shared by every work tree and used directly).
    func relativeHooksPath() throws -> String? {
        guard let configured = try mainRepository.configString("core.hooksPath"), !configured.isEmpty else { return nil }
        // Our own per-worktree value, should a libgit2 ever read config.worktree.
        if configured == worktreeShimDirectory { return try mainRepository.configString("orchestrate.userHooksPath") }
        if configured.hasPrefix("/") || configured == "~" || configured.hasPrefix("~/") { return nil }
        return configured
    }

    /// Every work tree with its own git dir (where its `config.worktree` lives): the main
    /// checkout first, then the linked worktrees.
    func workTreeGitDirs() throws -> [(workTree: String, gitDir: String)] {
        var result = [(workTree: paths.mainWorktree, gitDir: paths.commonDir)]
        for info in try mainRepository.worktrees() {
            result.append((workTree: info.path, gitDir: paths.commonDir + "/worktrees/" + info.name))
        }
        return result
    }

    /// Writes the chain scripts for `userPath` into the shim folder (ours are written by the
    /// caller, then `pointWorkTreesAtShims` makes git use them).
    func writeChainScripts(userPath: String) throws {
        let dir = worktreeShimDirectory
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in HookName.allCases {
            try HookFiles.writeExecutable(Data(chainScript(userPath, name.rawValue).utf8), to: dir + "/" + name.chainedName)
        }
        for name in HookName.otherGitHooks {
            try HookFiles.writeExecutable(Data(chainScript(userPath, name).utf8), to: dir + "/" + name)
        }
    }

    /// Turns on per-worktree configuration and points every work tree at the shim folder. Last
    /// step of install: git never sees a folder without our shims in it.
    func pointWorkTreesAtShims(userPath: String) throws {
        let dir = worktreeShimDirectory
        try mainRepository.setLocalConfig("orchestrate.userHooksPath", to: userPath)
        if try mainRepository.configString("extensions.worktreeConfig")?.lowercased() != "true" {
            try mainRepository.setLocalConfig("extensions.worktreeConfig", to: "true")
            try mainRepository.setLocalConfig("orchestrate.setWorktreeConfig", to: "true")
        }
        for tree in try workTreeGitDirs() {
            try ConfigFile.set("core.hooksPath", to: dir, in: tree.gitDir + "/config.worktree")
        }
    }

    /// Points a newly created task worktree at the shims, when they are in use.
    func applyWorktreeHooks(worktreeName: String) throws {
        guard try relativeHooksPath() != nil, HookFiles.exists(worktreeShimDirectory) else { return }
        try ConfigFile.set(
            "core.hooksPath", to: worktreeShimDirectory, in: paths.commonDir + "/worktrees/" + worktreeName + "/config.worktree")
    }

    /// Removes the shim folder and every per-worktree `core.hooksPath` that points at it, and
    /// `extensions.worktreeConfig` when install turned it on and nothing else uses it.
    func uninstallWorktreeHooks() throws {
        var othersUseWorktreeConfig = false
        for tree in try workTreeGitDirs() {
            let file = tree.gitDir + "/config.worktree"
            if try ConfigFile.string("core.hooksPath", in: file) == worktreeShimDirectory {
                try ConfigFile.remove("core.hooksPath", in: file)
            }
            if try ConfigFile.isEmpty(file) {
                try? FileManager.default.removeItem(atPath: file)
            } else {
                othersUseWorktreeConfig = true
            }
        }
        if try mainRepository.configString("orchestrate.setWorktreeConfig") == "true" {
            if !othersUseWorktreeConfig { try mainRepository.removeLocalConfig("extensions.worktreeConfig") }
            try mainRepository.removeLocalConfig("orchestrate.setWorktreeConfig")
        }
        try mainRepository.removeLocalConfig("orchestrate.userHooksPath")
        if HookFiles.exists(worktreeShimDirectory) {
            do {
                try FileManager.default.removeItem(atPath: worktreeShimDirectory)
            } catch {
                throw OrchestrateError.failed("could not remove \(worktreeShimDirectory): \(error); remove it by hand")
            }
        }
    }

    /// For each work tree, whether git runs our shims there.
    public func worktreeHookCoverage() throws -> [WorktreeHookCoverage] {
        guard try relativeHooksPath() != nil else { return [] }
        return try workTreeGitDirs().map { tree in
            let value = try ConfigFile.string("core.hooksPath", in: tree.gitDir + "/config.worktree")
            return WorktreeHookCoverage(workTree: tree.workTree, covered: value == worktreeShimDirectory)
        }
    }

    /// A hook that runs the user's hook `name` from the relative folder of the work tree git
    /// runs it in, with the same arguments and input; nothing when there is none.
    func chainScript(_ userPath: String, _ name: String) -> String {
        let quoted = "'" + userPath.replacingOccurrences(of: "'", with: "'\\''") + "'"
        return """
            #!/bin/sh
            # git-orchestrate hook chain: runs \(name) from core.hooksPath \(quoted) of this work tree.
            # git runs hooks from the work tree's root, so $PWD is the work tree whose hook this is.
            hook="$PWD/"\(quoted)"/\(name)"
            [ -x "$hook" ] || exit 0
            exec "$hook" "$@"

            """
    }
}

/// Whether git runs our hook shims in one work tree (relative `core.hooksPath` set-ups).
public struct WorktreeHookCoverage: Sendable, Equatable {
    public var workTree: String
    public var covered: Bool
}

extension HookName {
    /// Every other hook git runs in a work tree: with our folder as `core.hooksPath`, each
    /// gets a chain script so the user's own hooks keep running.
    static let otherGitHooks = [
        "applypatch-msg", "pre-applypatch", "post-applypatch", "pre-merge-commit", "prepare-commit-msg",
        "commit-msg", "pre-rebase", "post-checkout", "post-merge", "pre-receive", "update", "proc-receive",
        "post-receive", "post-update", "push-to-checkout", "pre-auto-gc", "post-rewrite", "sendemail-validate",
        "p4-changelist", "p4-prepare-changelist", "p4-post-changelist", "p4-pre-submit",
        "post-index-change",
    ]
}
