import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore

/// What emptying the trash did with one entry.
public struct TrashOutcome: Sendable, Equatable {
    /// The entry (`<id>-<n>`).
    public var entry: String
    public var task: String
    /// Where the worktree was before it was set aside.
    public var worktree: String
    /// Where its uncommitted or untracked files were kept, when it had any.
    public var keptRef: String?
    /// How many paths were uncommitted or untracked.
    public var uncommitted: Int = 0
    /// Whether the entry was deleted; false when something kept it (said in `reason`).
    public var deleted: Bool
    public var reason: String?
}

extension Orchestrator {
    /// Sets a landed task's worktree aside in the trash (two renames, a few small files) and
    /// forgets it in the database. Nil when the task has no registered worktree to set aside.
    func setAsideLandedWorktree(of task: TaskRecord, head: ObjectID) throws -> String? {
        guard let admin = mainRepository.worktree(named: task.id.rawValue) else { return nil }
        if admin.isLocked {
            throw OrchestrateError.failed(
                "the worktree \(admin.path) of \(task.id) is locked; run `git worktree unlock \(admin.path)` and `git orchestrate gc`")
        }
        // The commit its HEAD holds, read from git's files (no status, no index): what the
        // agent had, against which the emptier judges what is uncommitted.
        let commit = worktreeHeadCommit(adminName: admin.name) ?? head
        let entry = WorktreeTrash.Entry(
            task: task.id.rawValue, branch: task.branch, commit: commit.hex, worktree: trimSlash(admin.path), admin: admin.name)
        let name = try trash.setAside(entry)
        try store.write { tx in
            var current = try requireTask(task.id, in: tx)
            current.worktree = nil
            try tx.updateTask(current)
        }
        return name
    }

    /// The commit a linked worktree's HEAD points at, read from its HEAD file.
    private func worktreeHeadCommit(adminName: String) -> ObjectID? {
        let path = trimSlash(mainRepository.commonDir) + "/worktrees/" + adminName + "/HEAD"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("ref: ") { return try? mainRepository.referenceTarget(String(line.dropFirst(5))) }
        return ObjectID(hex: line)
    }

    /// Empties the trash: each entry set aside is opened as the work tree it was, its full
    /// status taken (off the critical path: this is the one scan of that tree), any
    /// uncommitted or untracked files kept as a commit under `refs/orchestrate/rejected/<id>/<n>`
    /// (audited, and said in `log`), and only then deleted. `finishingMoves` (only under the
    /// merge lock) first finishes the moves a kill interrupted. One emptier at a time.
    public func emptyTrash(finishingMoves: Bool, log: (String) -> Void) throws -> [TrashOutcome] {
        let lock = try TrashLock.acquire(path: paths.locksDir + "/trash.lock")
        defer { withExtendedLifetime(lock) {} }
        let trash = self.trash
        if finishingMoves {
            for name in try trash.finishMoves() { log("finished setting \(name) aside (a kill had interrupted it)") }
        }
        trash.deleteLeftovers()
        var outcomes: [TrashOutcome] = []
        for name in trash.entryNames() where trash.isMoved(name) {
            outcomes.append(try emptyEntry(name, in: trash, log: log))
        }
        return outcomes
    }

    private func emptyEntry(_ name: String, in trash: WorktreeTrash, log: (String) -> Void) throws -> TrashOutcome {
        let folder = trash.folder(name)
        guard let entry = trash.entry(name) else {
            try trash.delete(name)
            return TrashOutcome(entry: name, task: "", worktree: "", deleted: true)
        }
        var outcome = TrashOutcome(entry: name, task: entry.task, worktree: entry.worktree, deleted: false)
        let tree = folder + "/tree"
        if FileManager.default.fileExists(atPath: tree) {
            guard let repo = try? Repository.open(at: tree), let commit = ObjectID(hex: entry.commit) else {
                outcome.reason = "\(tree) (the worktree \(entry.worktree) of \(entry.task)) is no longer a git work tree, so what it holds cannot be checked; look at it, then delete it by hand"
                log("kept \(name): \(outcome.reason ?? "")")
                return outcome
            }
            let changes = try repo.status()
            if !changes.isEmpty, let kept = try keepTrashedWork(repo, entry: entry, parent: commit) {
                outcome.uncommitted = changes.count
                outcome.keptRef = kept.ref
                let detail: [String: JSONValue] = [
                    "worktree": .string(entry.worktree), "keptRef": .string(kept.ref), "uncommitted": .int(Int64(changes.count)),
                    "paths": .array(changes.prefix(20).map { .string($0.path) }), "from": "trash",
                ]
                if let id = TaskID(entry.task) {
                    try store.write { tx in
                        // Once per kept ref, even when a kill made this a second pass.
                        let said = try tx.auditEvents(task: id).contains { $0.kind == AuditKind.collected.rawValue && $0.oid == kept.oid.hex }
                        if !said {
                            try tx.appendAudit(NewAuditEvent(kind: .collected, task: id, oid: kept.oid.hex, actor: actor, detail: detail))
                        }
                    }
                }
                log("kept the uncommitted work of \(entry.task) (\(changes.count) path\(changes.count == 1 ? "" : "s"): \(changes.prefix(5).map(\.path).joined(separator: ", "))) at \(kept.ref) before deleting \(entry.worktree)")
            }
        }
        try trash.delete(name)
        outcome.deleted = true
        log("deleted \(entry.worktree) of \(entry.task) (\(name))")
        return outcome
    }

    /// Keeps everything of a trashed work tree beyond `parent` as one commit under the next
    /// `refs/orchestrate/rejected/<id>/<n>` — or finds it already kept (a kill between keeping
    /// and deleting): the newest kept ref with the same tree on the same parent.
    private func keepTrashedWork(_ repo: Repository, entry: WorktreeTrash.Entry, parent: ObjectID) throws -> (ref: String, oid: ObjectID)? {
        guard let id = TaskID(entry.task) else { throw OrchestrateError.failed("the trash entry of \(entry.task) names no valid task") }
        let message = "orchestrate: uncommitted work of \(entry.task) (left in its worktree when it landed)\n\nKept by git-orchestrate before the worktree \(entry.worktree) was deleted.\n"
        guard let snapshot = try repo.snapshotWorkTree(parent: parent, message: message, signature: snapshotSignature) else {
            // Only stat-only differences: the files are the commit's, nothing to keep.
            return nil
        }
        let tree = try mainRepository.commitInfo(snapshot).tree
        for existing in try mainRepository.references(matching: Orchestrator.keptWorkPrefix(id) + "*") {
            let info = try mainRepository.commitInfo(existing.target)
            if info.tree == tree && info.parents == [parent] { return (existing.name, existing.target) }
        }
        let ref = try nextKeptWorkRef(of: id)
        try mainRepository.setReference(ref, to: snapshot, expecting: nil, message: "orchestrate: keep uncommitted work of \(entry.task) from the trash")
        return (ref, snapshot)
    }
}

/// One emptier of the trash at a time (`<locks>/trash.lock`, flock; a second one waits).
final class TrashLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    static func acquire(path: String) throws -> TrashLock {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OrchestrateError.failed("cannot open the trash lock \(path): \(String(cString: strerror(errno))); check the permissions of its folder")
        }
        flock(fd, LOCK_EX)
        return TrashLock(fd: fd)
    }

    /// Whether an emptier holds the lock now.
    static func isHeld(path: String) -> Bool {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }
}

extension Orchestrator {
    /// `gc --trash`, the background emptier `merge` starts: empties what is fully set aside,
    /// without the merge lock (a merge may run meanwhile; a half-moved entry is left to the next
    /// merge, `gc` or `doctor --repair`). Each line of what it did goes to stderr, time-stamped.
    public func emptyTrashInBackground() throws -> [TrashOutcome] {
        try emptyTrash(finishingMoves: false) { line in
            context.err("\(Timestamp.format(context.now())) trash: \(line)")
        }
    }
}
