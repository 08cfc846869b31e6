import Foundation
import OrchestrateGit

/// What a hook file in the hooks folder is.
public enum HookState: String, Sendable {
    /// Our shim, nothing chained.
    case ours
    /// Our shim, running the hook that was there before.
    case chained
    /// No hook file (git runs nothing).
    case missing
    /// Someone else's hook; ours is not installed.
    case foreign
    /// An older version of our shim; `hooks install` updates it.
    case outdated
    /// Another hook manager's script, which runs our shim as the hook it replaced (pre-commit's
    /// `<name>.legacy`): ours runs, nothing to do.
    case hosted
}

/// One hook of the hooks folder.
public struct HookStatus: Sendable, Equatable {
    public var name: HookName
    public var state: HookState
    /// The hook file.
    public var path: String
    /// The kept original, when one exists.
    public var chainedPath: String?
    /// The hook manager whose script is in place (`pre-commit`, `lefthook`), when recognised.
    public var manager: String?
    /// Where that manager keeps our shim, when it does (`pre-commit.legacy`, `pre-commit.old`).
    public var keptShimPath: String?
    /// What install or uninstall did to it (`installed`, `chained`, `updated`, `unchanged`,
    /// `removed`, `restored`, `left`), empty for `status`.
    public var action: String = ""
}

extension Orchestrator {
    /// The folder our shims live in: `<common dir>/orchestrate/hooks` when `core.hooksPath` is
    /// relative (see Orchestrator+WorktreeHooks), else the folder git runs hooks from, shared by
    /// every worktree: an absolute `core.hooksPath`, else `<common dir>/hooks`.
    public func hooksDirectory() throws -> String {
        if try relativeHooksPath() != nil { return worktreeShimDirectory }
        guard let configured = try mainRepository.configString("core.hooksPath"), !configured.isEmpty else {
            return paths.commonDir + "/hooks"
        }
        var path = configured
        if path == "~" || path.hasPrefix("~/"), let home = context.environment["HOME"] {
            path = home + path.dropFirst()
        }
        if !path.hasPrefix("/") { path = paths.mainWorktree + "/" + path }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Each hook and what is installed for it.
    public func hookStatus() throws -> [HookStatus] {
        let dir = try hooksDirectory()
        return HookName.allCases.map { name in
            let path = dir + "/" + name.rawValue
            let chained = dir + "/" + name.chainedName
            let chainedPath = HookFiles.exists(chained) ? chained : nil
            var state: HookState
            var manager: HookManager?
            var keptShim: String?
            if let data = HookFiles.contents(path) {
                if data == Data(name.script.utf8) {
                    state = chainedPath == nil ? .ours : .chained
                } else if HookName.isOurs(data) {
                    state = .outdated
                } else {
                    state = .foreign
                    manager = HookManager.of(data)
                    if let manager, let kept = HookFiles.contents(dir + "/" + manager.keptName(name)), HookName.isOurs(kept) {
                        keptShim = dir + "/" + manager.keptName(name)
                        if manager.runsKeptHook { state = .hosted }
                    }
                }
            } else {
                state = HookFiles.exists(path) ? .foreign : .missing
            }
            return HookStatus(
                name: name, state: state, path: path, chainedPath: chainedPath, manager: manager?.rawValue,
                keptShimPath: keptShim)
        }
    }

    /// Installs our shims in the hooks folder. A hook already there is kept as
    /// `<name>.orchestrate-chained` and run by the shim. Idempotent. Records the path of this
    /// executable (for hooks that run where it is not on PATH) and the gate's fail-open choice
    /// in the repository's git config, where the shims can read them without us.
    @discardableResult
    public func installHooks() throws -> [HookStatus] {
        let dir = try hooksDirectory()
        let userPath = try relativeHooksPath()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if let userPath { try writeChainScripts(userPath: userPath) }
        var result: [HookStatus] = []
        for var status in try hookStatus() {
            let script = Data(status.name.script.utf8)
            let chained = dir + "/" + status.name.chainedName
            switch status.state {
            case .ours, .chained:
                status.action = "unchanged"
            case .hosted:
                // pre-commit runs our shim as its legacy hook: keep it current, and drop a chained
                // copy of pre-commit's own script (it would run pre-commit twice).
                guard let kept = status.keptShimPath else { preconditionFailure("hosted has a kept shim") }
                status.action = "unchanged"
                if HookFiles.contents(kept) != script {
                    try HookFiles.writeExecutable(script, to: kept)
                    status.action = "updated"
                }
                if let data = HookFiles.contents(chained), HookManager.of(data) == .preCommit {
                    try HookFiles.remove(chained)
                }
                status.chainedPath = HookFiles.exists(chained) ? chained : nil
                result.append(status)
                continue
            case .outdated:
                try HookFiles.writeExecutable(script, to: status.path)
                status.action = "updated"
            case .missing:
                try HookFiles.writeExecutable(script, to: status.path)
                status.action = "installed"
            case .foreign:
                if HookFiles.exists(chained) {
                    throw OrchestrateError.failed(
                        "\(status.path) was replaced by another hook while \(chained) still holds the one kept at install; merge the two by hand into \(status.name.chainedName), delete \(status.path), then run `git orchestrate hooks install`")
                }
                // rename keeps the bytes, the mode and a symlink as it is.
                try HookFiles.rename(status.path, to: chained)
                try HookFiles.writeExecutable(script, to: status.path)
                // lefthook kept our shim as <name>.old, which it never runs: it is stale now,
                // and lefthook's uninstall would put it back.
                if let kept = status.keptShimPath { try HookFiles.remove(kept) }
                status.keptShimPath = nil
                status.action = "chained"
            }
            status.chainedPath = HookFiles.exists(chained) ? chained : nil
            status.state = status.chainedPath == nil ? .ours : .chained
            result.append(status)
        }
        if let userPath { try pointWorkTreesAtShims(userPath: userPath) }
        if let executable = HookFiles.currentExecutable() {
            try mainRepository.setLocalConfig("orchestrate.binary", to: executable)
        }
        if config.gateFailClosed {
            try mainRepository.removeLocalConfig("orchestrate.gateFailClosed")
        } else {
            try mainRepository.setLocalConfig("orchestrate.gateFailClosed", to: "false")
        }
        return result
    }

    /// Removes our shims and puts back, byte for byte and with its mode, each hook that was
    /// there before. A hook that is not ours is left alone.
    @discardableResult
    public func uninstallHooks() throws -> [HookStatus] {
        if try relativeHooksPath() != nil {
            // The shim folder is wholly ours: the user's committed hooks were never touched.
            let removed = try hookStatus().map { status in
                var status = status
                status.action = status.state == .missing ? "unchanged" : "removed"
                status.state = .missing
                status.chainedPath = nil
                return status
            }
            try uninstallWorktreeHooks()
            try mainRepository.removeLocalConfig("orchestrate.binary")
            try mainRepository.removeLocalConfig("orchestrate.gateFailClosed")
            return removed
        }
        var result: [HookStatus] = []
        for var status in try hookStatus() {
            let chained = status.chainedPath
            switch status.state {
            case .ours, .chained, .outdated, .missing:
                if let chained {
                    try HookFiles.rename(chained, to: status.path)
                    status.action = "restored"
                    status.state = .foreign
                } else if status.state == .missing {
                    status.action = "unchanged"
                } else {
                    try HookFiles.remove(status.path)
                    status.action = "removed"
                    status.state = .missing
                }
                status.chainedPath = nil
            case .foreign:
                // Our shim kept by another manager (lefthook's .old) is removed, so that the
                // manager's own uninstall has nothing of ours to restore.
                if let kept = status.keptShimPath {
                    try HookFiles.remove(kept)
                    status.keptShimPath = nil
                    status.action = "removed"
                } else {
                    status.action = "left"
                }
            case .hosted:
                // pre-commit expects <name>.legacy to be the hook it replaced: the user's own
                // hook we had chained, or nothing.
                guard let kept = status.keptShimPath else { preconditionFailure("hosted has a kept shim") }
                if let chained, HookManager.of(HookFiles.contents(chained) ?? Data()) == nil {
                    try HookFiles.rename(chained, to: kept)
                } else {
                    if let chained { try HookFiles.remove(chained) }
                    try HookFiles.remove(kept)
                }
                status.keptShimPath = nil
                status.state = .foreign
                status.action = "removed"
            }
            result.append(status)
        }
        try mainRepository.removeLocalConfig("orchestrate.binary")
        try mainRepository.removeLocalConfig("orchestrate.gateFailClosed")
        return result
    }
}

/// File operations on hook files, with errors phrased for the user.
enum HookFiles {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// Writes `data` beside `path` and renames it into place: a hook is never half written.
    static func writeExecutable(_ data: Data, to path: String) throws {
        let temporary = path + ".orchestrate-tmp-\(getpid())"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            guard chmod(temporary, 0o755) == 0 else { throw posixError("chmod", temporary) }
            try rename(temporary, to: path)
        } catch {
            unlink(temporary)
            throw OrchestrateError.failed("could not write the hook \(path): \(error); check the folder's permissions")
        }
    }

    static func rename(_ from: String, to: String) throws {
        guard Foundation.rename(from, to) == 0 else { throw posixError("rename", from) }
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw posixError("unlink", path) }
    }

    static func posixError(_ what: String, _ path: String) -> OrchestrateError {
        .failed("\(what) \(path) failed: \(String(cString: strerror(errno))); check the hooks folder's permissions")
    }

    /// The absolute path of the running executable.
    static func currentExecutable() -> String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let arg0 = CommandLine.arguments.first ?? ""
        guard arg0.contains("/") else { return nil }
        return URL(fileURLWithPath: arg0).standardizedFileURL.path
    }
}
