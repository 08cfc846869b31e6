import CLibgit2

/// One file changed between two trees.
public struct FileChange: Sendable, Equatable {
    /// `A`dded, `M`odified, `D`eleted, `R`enamed, `T`ype changed.
    public var status: Character
    public var path: String
    /// The path before a rename.
    public var oldPath: String?
    public var insertions: Int
    public var deletions: Int
    public var isBinary: Bool
}

extension Repository {
    /// The tree of `commit`.
    public func treeOf(_ commit: ObjectID) throws -> ObjectID { try commitInfo(commit).tree }

    /// Runs `body` with a diff between the trees of two commits (nil: the empty tree).
    func withDiff<T>(from old: ObjectID?, to new: ObjectID, findRenames: Bool = true, _ body: (OpaquePointer?) throws -> T) throws -> T {
        var oldTree: OpaquePointer?
        var newTree: OpaquePointer?
        defer {
            git_tree_free(oldTree)
            git_tree_free(newTree)
        }
        if let old {
            var raw = try treeOf(old).raw
            try check("git_tree_lookup", git_tree_lookup(&oldTree, handle, &raw))
        }
        var newRaw = try treeOf(new).raw
        try check("git_tree_lookup", git_tree_lookup(&newTree, handle, &newRaw))
        // The diff is limited to the paths that differ (found without reading identical
        // subtrees): the same deltas, without libgit2 walking both whole trees.
        var paths = try differingPaths(oldTree, newTree)
        // No path at all would mean "everything": name one no tree can hold instead.
        if paths.isEmpty { paths = [".git/no-such-path"] }
        var options = git_diff_options()
        try check("git_diff_options_init", git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)))
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        var diff: OpaquePointer?
        try withStrArray(paths) { pathspec in
            options.pathspec = pathspec
            try check("git_diff_tree_to_tree", git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &options))
        }
        defer { git_diff_free(diff) }
        if findRenames {
            var find = git_diff_find_options()
            try check("git_diff_find_options_init", git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)))
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try check("git_diff_find_similar", git_diff_find_similar(diff, &find))
        }
        return try body(diff)
    }

    /// A stable patch id of the change from `base` to `head` (as `git patch-id --stable`):
    /// unchanged by a clean rebase, changed when the change itself changes.
    public func patchID(from base: ObjectID, to head: ObjectID) throws -> String {
        try withDiff(from: base, to: head, findRenames: false) { diff in
            var out = git_oid()
            try check("git_diff_patchid", git_diff_patchid(&out, diff, nil))
            return ObjectID(out).hex
        }
    }

    /// The files changed from `base` to `head` with line counts.
    public func changedFiles(from base: ObjectID?, to head: ObjectID) throws -> [FileChange] {
        try withDiff(from: base, to: head) { diff in
            var result: [FileChange] = []
            for i in 0..<git_diff_num_deltas(diff) {
                var patch: OpaquePointer?
                try check("git_patch_from_diff", git_patch_from_diff(&patch, diff, i))
                defer { git_patch_free(patch) }
                guard let delta = git_diff_get_delta(diff, i) else { continue }
                var context = 0, insertions = 0, deletions = 0
                if patch != nil { try check("git_patch_line_stats", git_patch_line_stats(&context, &insertions, &deletions, patch)) }
                let status: Character
                switch delta.pointee.status {
                case GIT_DELTA_ADDED: status = "A"
                case GIT_DELTA_DELETED: status = "D"
                case GIT_DELTA_RENAMED: status = "R"
                case GIT_DELTA_TYPECHANGE: status = "T"
                default: status = "M"
                }
                let newPath = String(cString: delta.pointee.new_file.path)
                let oldPath = String(cString: delta.pointee.old_file.path)
                result.append(FileChange(
                    status: status, path: newPath, oldPath: oldPath == newPath ? nil : oldPath,
                    insertions: insertions, deletions: deletions,
                    isBinary: delta.pointee.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0))
            }
            return result
        }
    }

    /// The unified diff from `base` to `head`, as `git diff base head` prints it.
    public func patchText(from base: ObjectID?, to head: ObjectID) throws -> String {
        try withDiff(from: base, to: head) { diff in
            var buffer = git_buf()
            defer { git_buf_dispose(&buffer) }
            try check("git_diff_to_buf", git_diff_to_buf(&buffer, diff, GIT_DIFF_FORMAT_PATCH))
            guard let ptr = buffer.ptr else { return "" }
            return String(cString: ptr)
        }
    }

    /// The paths that differ between two commits (a rename counts as both of its paths),
    /// without computing any patch.
    public func changedPaths(from base: ObjectID, to head: ObjectID) throws -> [String] {
        try withDiff(from: base, to: head, findRenames: false) { diff in
            var result: [String] = []
            for i in 0..<git_diff_num_deltas(diff) {
                guard let delta = git_diff_get_delta(diff, i) else { continue }
                if let p = delta.pointee.old_file.path { result.append(String(cString: p)) }
                if let p = delta.pointee.new_file.path { result.append(String(cString: p)) }
            }
            return Array(Set(result)).sorted()
        }
    }
}
