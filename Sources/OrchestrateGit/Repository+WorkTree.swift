import CLibgit2
import Foundation

/// One path that differs between HEAD, the index and the work tree.
public struct StatusEntry: Sendable, Equatable {
    public var path: String
    /// Whether git does not track the file yet.
    public var isUntracked: Bool
    /// Whether the change is staged in the index (as opposed to only in the work tree).
    public var isStaged: Bool
    /// Whether the file has unresolved conflicts.
    public var isConflicted: Bool
}

extension Repository {
    /// The paths that are modified, staged, deleted or untracked in this work tree (ignored
    /// files excepted), like `git status --porcelain`. Asks git itself when it can: on a large
    /// work tree it is faster than libgit2 (figures in `statusByGit`).
    public func status() throws -> [StatusEntry] { try statusByGit() ?? status(limitedTo: nil) }

    /// Like `status()`, but looks only at exactly `paths` when given (much faster on a large
    /// work tree: nothing else is scanned), and compares the index with the tree of `baseline`
    /// instead of HEAD's when given.
    public func status(limitedTo paths: [String]?, baseline: ObjectID? = nil) throws -> [StatusEntry] {
        var baselineTree: OpaquePointer?
        if let baseline { baselineTree = try lookupTree(ofCommit: baseline) }
        defer { git_tree_free(baselineTree) }
        if let paths {
            if paths.isEmpty { return [] }
            return try withStrArray(paths) { spec in try status(pathspec: &spec, baseline: baselineTree) }
        }
        return try status(pathspec: nil, baseline: baselineTree)
    }

    /// The paths among `paths` (files) with local changes — staged (against the tree of
    /// `baseline`, HEAD's when nil), unstaged, or untracked, there or below — one status per
    /// path. With exact path lists libgit2 scans every entry of the index and of the work tree
    /// and filters; with an ordinary pathspec it starts and stops its iterators at the path,
    /// so each look costs what that one path costs.
    public func localChanges(at paths: [String], comparedTo baseline: ObjectID?) throws -> [String] {
        var baselineTree: OpaquePointer?
        if let baseline { baselineTree = try lookupTree(ofCommit: baseline) }
        defer { git_tree_free(baselineTree) }
        var changed: [String] = []
        for path in Set(paths).sorted() {
            // A pathspec may match more than the path (a `*` in a name is a pattern): keep only
            // the path itself and what lies below it.
            let entries = try withStrArray([path]) { spec in try status(pathspec: &spec, baseline: baselineTree, exact: false) }
            if entries.contains(where: { $0.path == path || $0.path.hasPrefix(path + "/") }) { changed.append(path) }
        }
        return changed
    }

    private func status(
        pathspec: UnsafeMutablePointer<git_strarray>?, baseline: OpaquePointer? = nil, exact: Bool = true
    ) throws -> [StatusEntry] {
        var options = git_status_options()
        try check(
            "git_status_options_init",
            git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue
            | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        if let pathspec {
            if exact { options.flags |= GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH.rawValue }
            options.pathspec = pathspec.pointee
        }
        options.baseline = baseline
        var list: OpaquePointer?
        try check("git_status_list_new", git_status_list_new(&list, handle, &options))
        defer { git_status_list_free(list) }
        var result: [StatusEntry] = []
        for i in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, i) else { continue }
            let flags = entry.pointee.status.rawValue
            let delta = entry.pointee.head_to_index ?? entry.pointee.index_to_workdir
            guard let delta else { continue }
            let file = delta.pointee.new_file.path ?? delta.pointee.old_file.path
            guard let file else { continue }
            let stagedMask = GIT_STATUS_INDEX_NEW.rawValue | GIT_STATUS_INDEX_MODIFIED.rawValue
                | GIT_STATUS_INDEX_DELETED.rawValue | GIT_STATUS_INDEX_RENAMED.rawValue
                | GIT_STATUS_INDEX_TYPECHANGE.rawValue
            result.append(
                StatusEntry(
                    path: String(cString: file),
                    isUntracked: flags & GIT_STATUS_WT_NEW.rawValue != 0,
                    isStaged: flags & stagedMask != 0,
                    isConflicted: flags & GIT_STATUS_CONFLICTED.rawValue != 0))
        }
        return result.sorted { $0.path < $1.path }
    }

    /// Records everything in this work tree (tracked changes, staged or not, and untracked
    /// files; ignored files excepted) as a new commit on top of `parent`, without touching the
    /// index file, the work tree or any reference. Returns nil when the work tree holds nothing
    /// beyond `parent`.
    public func snapshotWorkTree(
        parent: ObjectID, message: String, signature: Signature
    ) throws -> ObjectID? {
        var index: OpaquePointer?
        try check("git_repository_index", git_repository_index(&index, handle))
        defer { git_index_free(index) }
        // Changes stay in memory: the index file on disk is never written.
        try check("git_index_read", git_index_read(index, 1))
        try withStrArray(["*"]) { spec in
            try check(
                "git_index_add_all",
                git_index_add_all(index, &spec, GIT_INDEX_ADD_DEFAULT.rawValue, nil, nil))
            try check("git_index_update_all", git_index_update_all(index, &spec, nil, nil))
        }
        var tree = git_oid()
        try check("git_index_write_tree", git_index_write_tree(&tree, index))
        // Drop the in-memory changes so that a later use of this handle sees the real index.
        try check("git_index_read", git_index_read(index, 1))
        let parentInfo = try commitInfo(parent)
        if parentInfo.tree == ObjectID(tree) { return nil }
        return try createCommit(
            tree: ObjectID(tree), parents: [parent], author: signature, committer: signature,
            message: message)
    }

    /// Makes this work tree, its index and its current branch exactly `commit`: tracked
    /// changes are discarded and untracked files removed (ignored files are kept). Callers keep
    /// the work first (`snapshotWorkTree`).
    public func hardReset(to commit: ObjectID) throws {
        let target = try lookupCommit(commit)
        defer { git_commit_free(target) }
        var checkout = git_checkout_options()
        try check(
            "git_checkout_options_init",
            git_checkout_options_init(&checkout, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)))
        checkout.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_REMOVE_UNTRACKED.rawValue
        try check("git_reset", git_reset(handle, target, GIT_RESET_HARD, &checkout))
        // git_reset leaves untracked files in place whatever the strategy says (measured with
        // libgit2 1.5.1): a second, forced checkout of HEAD removes them.
        try check("git_checkout_head", git_checkout_head(handle, &checkout))
    }

    /// Points HEAD of this work tree at local branch `name` (short), which must exist; the
    /// index and files are left as they are.
    public func attachHead(toBranch name: String) throws {
        try check("git_repository_set_head", git_repository_set_head(handle, "refs/heads/" + name))
    }
}
