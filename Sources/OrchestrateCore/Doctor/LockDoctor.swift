import Foundation
import OrchestrateGit

/// Lock files left behind by killed processes: our merge lock (removed by `--repair`, since
/// flock tells for certain that nobody holds it) and git's own `*.lock` files on refs, the
/// index and HEAD (reported by name with the fix; git records no holder, so whether one is still
/// in use is for the user to judge).
struct LockDoctor {
    let paths: RepositoryPaths
    let repository: Repository
    let target: String

    func check(repair: Bool) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let mergeLock = MergeLock.path(in: paths.locksDir)
        switch MergeLock.inspect(directory: paths.locksDir, remove: repair) {
        case .absent, .held:
            break  // held: a merge is running, which is no fault
        case .stale(let pid, let removed):
            findings.append(DoctorFinding(
                severity: .problem,
                message: removed
                    ? "removed the stale merge lock \(mergeLock), left by pid \(pid), which is gone"
                    : "the merge lock \(mergeLock) was left by pid \(pid), which is gone; the next merge takes it over, `git orchestrate doctor --repair` removes it",
                repaired: removed))
        }
        let now = Date()
        for lock in gitLockFiles() {
            let age = ((try? FileManager.default.attributesOfItem(atPath: lock.path))?[.modificationDate] as? Date)
                .map { Int(now.timeIntervalSince($0)) } ?? 0
            var message = "git's lock file \(lock.path) (\(age)s old) blocks every update of \(lock.guards)"
            if lock.guards == "refs/heads/\(target)" { message += ", so no task can land" }
            message += "; if no git command is running, remove it (`rm \(lock.path)`)"
            if repair { message += " — left in place: git records no holder, so it may still be in use" }
            findings.append(DoctorFinding(severity: .problem, message: message))
        }
        return findings
    }

    /// A git lock file and what it guards.
    struct GitLock {
        var path: String
        var guards: String
    }

    /// `*.lock` under `refs/`, and `HEAD.lock`, `packed-refs.lock`, `index.lock`,
    /// `config.lock` in the common dir and in each linked worktree's admin folder.
    func gitLockFiles() -> [GitLock] {
        let fm = FileManager.default
        let common = paths.commonDir
        var locks: [GitLock] = []
        if let enumerator = fm.enumerator(atPath: common + "/refs") {
            for case let relative as String in enumerator where relative.hasSuffix(".lock") {
                locks.append(GitLock(path: "\(common)/refs/\(relative)", guards: "refs/" + relative.dropLast(5)))
            }
        }
        var adminDirs = [(common, "the main checkout")]
        if let names = try? fm.contentsOfDirectory(atPath: common + "/worktrees") {
            adminDirs += names.sorted().map { ("\(common)/worktrees/\($0)", "the worktree \($0)") }
        }
        let files = [("HEAD.lock", "HEAD of"), ("index.lock", "the index of"), ("packed-refs.lock", "packed-refs"), ("config.lock", "the config")]
        for (dir, owner) in adminDirs {
            for (name, what) in files where fm.fileExists(atPath: "\(dir)/\(name)") {
                if dir != common && (name == "packed-refs.lock" || name == "config.lock") { continue }
                let guards = what.hasSuffix("of") ? "\(what) \(owner)" : what
                locks.append(GitLock(path: "\(dir)/\(name)", guards: guards))
            }
        }
        return locks
    }
}
