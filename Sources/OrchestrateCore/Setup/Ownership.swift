import Foundation
import OrchestrateGit

/// git's ownership check (`safe.directory`), decided by git itself.
///
/// libgit2 reads `safe.directory` only from `~/.gitconfig` (not `GIT_CONFIG_GLOBAL`, `-c` or
/// the system file), so its own check is switched off (`Repository.discover`) and replaced by
/// this one: when the work tree or git dir belongs to someone else, git is asked
/// (`git rev-parse --git-dir`), and its refusal — which names the `safe.directory` command to
/// run — becomes ours. A repository the user owns costs two `stat` calls and no child process.
enum Ownership {
    /// Throws git's "dubious ownership" refusal (exit 2) when git would refuse this repository.
    static func check(_ repository: Repository, environment: [String: String]) throws {
        let paths = [repository.workdir, repository.gitDir, repository.commonDir].compactMap { $0 }
        let me = geteuid()
        let foreign = paths.contains { path in
            var info = stat()
            return stat(path, &info) == 0 && info.st_uid != me
        }
        guard foreign else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "--git-dir"]
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return }
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus != 0 else { return }
        let lines = stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let fatal = lines.first { $0.hasPrefix("fatal:") }.map { String($0.dropFirst("fatal:".count)).trimmingCharacters(in: .whitespaces) }
            ?? "git refuses this repository"
        let command = lines.first { $0.hasPrefix("git config") } ?? "git config --global --add safe.directory <path>"
        throw OrchestrateError.badInput("\(fatal); if you trust it, run `\(command)`, as git itself advises")
    }
}
