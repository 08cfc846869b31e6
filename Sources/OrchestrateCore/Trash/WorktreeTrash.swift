import Foundation
import OrchestrateGit
import OrchestrateModel

/// The trash: where a landed task's worktree is set aside in O(1) — two renames and a few
/// small files — so that `merge` never waits for a whole-tree status scan or for unlinking
/// every file of a worktree. Emptying it (look for uncommitted work, keep it, delete) happens
/// after the run (`Orchestrator.emptyTrash`).
///
/// An entry `<state>/trash/<id>-<n>/` holds `entry.json` (what was set aside), `admin/` (git's
/// `.git/worktrees/<name>`, so `git worktree list` forgets it at once), `tree/` (the worktree
/// folder) and, once both renames are done and the links rewritten, the marker `moved`. The
/// links make `tree/` a work tree of its own again: its `.git` file names `admin/`, `admin`
/// names the common dir absolutely, and HEAD is detached at the commit the worktree held, so
/// its status is judged against what the agent had, not against a branch that moved or went.
///
/// Every step can be killed: an entry without `moved` is finished by the next holder of the
/// merge lock (`finishMoves`: merge, gc, doctor --repair); an entry being deleted is first
/// renamed `.deleting-<name>`, and what is left of it is deleted by the next emptier.
struct WorktreeTrash {
    /// `<state>/trash`.
    let directory: String
    /// The repository's common git dir (absolute).
    let commonDir: String
    /// Crash testing: `before-trash-move`, `trash-admin-moved`, `before-trash-delete`, `trash-deleting`.
    let pause: (String) -> Void

    /// What `entry.json` records.
    struct Entry: Codable, Equatable {
        var task: String
        var branch: String
        /// The commit the worktree held (its HEAD when set aside).
        var commit: String
        /// Where the worktree was.
        var worktree: String
        /// Its name under `.git/worktrees/`.
        var admin: String
    }

    static let deletingPrefix = ".deleting-"

    func folder(_ name: String) -> String { directory + "/" + name }

    /// Sets the worktree aside: returns the entry's name (`<id>-<n>`). Throws before anything
    /// moved when the trash cannot take it (another file system: `rename` says EXDEV).
    func setAside(_ entry: Entry) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A rename cannot cross file systems: find out before anything moves.
        var here = stat()
        var there = stat()
        if stat(directory, &here) == 0, stat(entry.worktree, &there) == 0, here.st_dev != there.st_dev {
            throw TrashError(path: entry.worktree, code: EXDEV)
        }
        let name = nextName(for: entry.task)
        let dir = folder(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        try JSONEncoder().encode(entry).write(to: URL(fileURLWithPath: dir + "/entry.json"), options: .atomic)
        pause("before-trash-move")
        try finishMove(name, entry)
        return name
    }

    /// The entries whose move a kill interrupted: finishes each (call with the merge lock held,
    /// so that no landing is setting one aside at the same time). Returns their names.
    func finishMoves() throws -> [String] {
        var finished: [String] = []
        for name in entryNames() where !isMoved(name) {
            guard let entry = entry(name) else {
                // Killed before entry.json was written: nothing was moved yet.
                try? FileManager.default.removeItem(atPath: folder(name))
                continue
            }
            try finishMove(name, entry)
            finished.append(name)
        }
        return finished
    }

    /// Each step is done only when its source is still in place, so this finishes any prefix of it.
    private func finishMove(_ name: String, _ entry: Entry) throws {
        let dir = folder(name)
        let admin = commonDir + "/worktrees/" + entry.admin
        let fm = FileManager.default
        if !fm.fileExists(atPath: dir + "/admin"), fm.fileExists(atPath: admin) {
            try rename(admin, dir + "/admin")
        }
        pause("trash-admin-moved")
        if !fm.fileExists(atPath: dir + "/tree"), isOurWorktree(entry.worktree, admin: admin) {
            try rename(entry.worktree, dir + "/tree")
        }
        if fm.fileExists(atPath: dir + "/tree"), fm.fileExists(atPath: dir + "/admin") {
            try write(dir + "/tree/.git", "gitdir: \(dir)/admin\n")
            try write(dir + "/admin/gitdir", "\(dir)/tree/.git\n")
            try write(dir + "/admin/commondir", commonDir + "\n")
            try write(dir + "/admin/HEAD", entry.commit + "\n")
        }
        try write(dir + "/moved", "")
    }

    /// Whether the folder at `path` is the worktree whose admin data was at `admin` (its `.git`
    /// file says so): never move a folder that someone made anew at that path.
    private func isOurWorktree(_ path: String, admin: String) -> Bool {
        guard let link = try? String(contentsOfFile: path + "/.git", encoding: .utf8) else {
            // A folder whose `.git` a killed removal already deleted is what is left of ours.
            return FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: path + "/.git")
        }
        let target = link.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "gitdir: ", with: "")
        return trimSlash(target) == trimSlash(admin)
    }

    /// The entries (moved or not, not being deleted), oldest first.
    func entryNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Entries that a kill left half deleted: only to be deleted.
    func deletingNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(Self.deletingPrefix) }.sorted()
    }

    func isMoved(_ name: String) -> Bool { FileManager.default.fileExists(atPath: folder(name) + "/moved") }

    func entry(_ name: String) -> Entry? {
        guard let data = FileManager.default.contents(atPath: folder(name) + "/entry.json") else { return nil }
        return try? JSONDecoder().decode(Entry.self, from: data)
    }

    /// Deletes an entry: renamed `.deleting-<name>` first (one atomic step), so that a kill in
    /// the middle leaves a folder that is known to hold nothing to keep.
    func delete(_ name: String) throws {
        pause("before-trash-delete")
        let doomed = folder(Self.deletingPrefix + name)
        try rename(folder(name), doomed)
        pause("trash-deleting")
        try TreeRemoval.remove(doomed)
    }

    /// Finishes deleting what a killed emptier left.
    func deleteLeftovers() {
        for name in deletingNames() { try? TreeRemoval.remove(folder(name)) }
    }

    private func nextName(for task: String) -> String {
        let used = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).map {
            $0.hasPrefix(Self.deletingPrefix) ? String($0.dropFirst(Self.deletingPrefix.count)) : $0
        }
        var n = 1
        while used.contains("\(task)-\(n)") { n += 1 }
        return "\(task)-\(n)"
    }

    private func rename(_ from: String, _ to: String) throws {
        guard Foundation.rename(from, to) == 0 else {
            let code = errno
            throw TrashError(path: from, code: code)
        }
    }

    private func write(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// A rename into the trash failed (EXDEV: the worktree is on another file system).
struct TrashError: Error, CustomStringConvertible {
    var path: String
    var code: Int32
    var description: String { "cannot move \(path) into the trash: \(String(cString: strerror(code)))" }
}

extension Orchestrator {
    /// The trash of this repository.
    var trash: WorktreeTrash {
        WorktreeTrash(
            directory: paths.stateDir + "/trash", commonDir: trimSlash(mainRepository.commonDir),
            pause: { [unowned self] point in self.faultInjectionPause(point) })
    }
}

/// `path` without a trailing slash (libgit2 ends folder paths with one).
func trimSlash(_ path: String) -> String {
    path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
}
