import CLibgit2
import Foundation

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
        var paths = try treeChanges(oldTree, newTree).map(\.path)
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
            let count = git_diff_num_deltas(diff)
            var paths: [String] = []
            for i in 0..<count {
                guard let delta = git_diff_get_delta(diff, i) else { continue }
                paths.append(String(cString: delta.pointee.old_file.path))
                paths.append(String(cString: delta.pointee.new_file.path))
            }
            // Without any attributes file that could apply, the line counts come straight from
            // the two blobs: the same patch, without libgit2 loading the whole index (28 M
            // instructions for 5,000 files) to look for .gitattributes in it.
            let plain = try !attributesMayApply(to: paths)
            var result: [FileChange] = []
            for i in 0..<count {
                guard let delta = git_diff_get_delta(diff, i) else { continue }
                var patch: OpaquePointer?
                if plain, let blobPatch = try patchOfBlobs(delta.pointee) {
                    patch = blobPatch
                } else {
                    try check("git_patch_from_diff", git_patch_from_diff(&patch, diff, i))
                }
                defer { git_patch_free(patch) }
                var context = 0, insertions = 0, deletions = 0
                if patch != nil { try check("git_patch_line_stats", git_patch_line_stats(&context, &insertions, &deletions, patch)) }
                let flags = patch.flatMap { git_patch_get_delta($0)?.pointee.flags } ?? delta.pointee.flags
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
                    isBinary: flags & GIT_DIFF_FLAG_BINARY.rawValue != 0))
            }
            return result
        }
    }

    /// The patch between the contents of the two blobs of `delta`, made from buffers: with no
    /// repository behind them libgit2 looks no attribute up (from blobs, it would, under a
    /// made-up path). Nil when a side is not a blob (a submodule): the diff's own patch then.
    func patchOfBlobs(_ delta: git_diff_delta) throws -> OpaquePointer? {
        let blobModes: Set<UInt32> = [GIT_FILEMODE_BLOB.rawValue, GIT_FILEMODE_BLOB_EXECUTABLE.rawValue, GIT_FILEMODE_LINK.rawValue]
        func blob(_ file: git_diff_file) throws -> (ok: Bool, blob: OpaquePointer?) {
            if file.flags & GIT_DIFF_FLAG_EXISTS.rawValue == 0 { return (true, nil) }
            guard blobModes.contains(UInt32(file.mode)) else { return (false, nil) }
            var id = file.id
            var out: OpaquePointer?
            try check("git_blob_lookup", git_blob_lookup(&out, handle, &id))
            return (true, out)
        }
        let old = try blob(delta.old_file)
        defer { git_blob_free(old.blob) }
        let new = try blob(delta.new_file)
        defer { git_blob_free(new.blob) }
        guard old.ok, new.ok else { return nil }
        var patch: OpaquePointer?
        try check(
            "git_patch_from_buffers",
            git_patch_from_buffers(
                &patch, old.blob.flatMap { git_blob_rawcontent($0) }, old.blob.map { Int(git_blob_rawsize($0)) } ?? 0, nil,
                new.blob.flatMap { git_blob_rawcontent($0) }, new.blob.map { Int(git_blob_rawsize($0)) } ?? 0, nil, nil))
        return patch
    }

    /// Whether an attributes file could apply to any of `paths` in a diff made here: a
    /// `.gitattributes` in the work tree's root or in a folder of one of them,
    /// `info/attributes`, `/etc/gitattributes`, `core.attributesFile` or the global
    /// attributes file. (libgit2 would also look for `.gitattributes` entries in the index:
    /// one staged there but missing from the work tree is not seen.)
    func attributesMayApply(to paths: [String]) throws -> Bool {
        guard let workdir else { return true }
        let fm = FileManager.default
        let env = ProcessInfo.processInfo.environment
        var files = ["/etc/gitattributes", commonDir + "/info/attributes", workdir + "/.gitattributes"]
        if let xdg = env["XDG_CONFIG_HOME"], !xdg.isEmpty { files.append(xdg + "/git/attributes") }
        if let home = env["HOME"] { files.append(home + "/.config/git/attributes") }
        var folders = Set<Substring>()
        for path in paths {
            var end = path.endIndex
            while let slash = path[..<end].lastIndex(of: "/") {
                guard folders.insert(path[..<slash]).inserted else { break }
                end = slash
            }
        }
        files += folders.map { workdir + "/" + $0 + "/.gitattributes" }
        if files.contains(where: { fm.fileExists(atPath: $0) }) { return true }
        var config: OpaquePointer?
        try check("git_repository_config_snapshot", git_repository_config_snapshot(&config, handle))
        defer { git_config_free(config) }
        var entry: UnsafeMutablePointer<git_config_entry>?
        guard git_config_get_entry(&entry, config, "core.attributesFile") == 0 else { return false }
        git_config_entry_free(entry)
        return true
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
        Array(Set(try treeChanges(from: base, to: head).map(\.path))).sorted()
    }
}

extension Repository {
    /// Whether `commit`'s tree holds an entry at `path` (relative, `/`-separated).
    public func treeEntryExists(at commit: ObjectID, path: String) throws -> Bool {
        var raw = try treeOf(commit).raw
        var tree: OpaquePointer?
        try check("git_tree_lookup", git_tree_lookup(&tree, handle, &raw))
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let status = git_tree_entry_bypath(&entry, tree, path)
        if status == GIT_ENOTFOUND.rawValue { return false }
        try check("git_tree_entry_bypath", status)
        git_tree_entry_free(entry)
        return true
    }
}
