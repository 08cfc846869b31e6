import CLibgit2
import Foundation

/// The version of one path in the index and in the work tree (nil: absent).
public struct PathVersions: Sendable, Equatable {
    public var path: String
    public var index: ObjectID?
    public var workTree: ObjectID?
}

extension Repository {
    /// What an interrupted checkout may leave: for each path that differs from HEAD (staged,
    /// unstaged or untracked), its blob in the index and in the work tree. Files are hashed as
    /// git would store them without filters; a symbolic link hashes its target.
    public func versionsDifferingFromHead() throws -> [PathVersions] {
        let entries = try status()
        guard !entries.isEmpty, let root = workdir else { return [] }
        var index: OpaquePointer?
        try check("git_repository_index", git_repository_index(&index, handle))
        defer { git_index_free(index) }
        try check("git_index_read", git_index_read(index, 0))
        return try entries.map { entry in
            let staged = git_index_get_bypath(index, entry.path, 0).map { ObjectID($0.pointee.id) }
            return PathVersions(path: entry.path, index: staged, workTree: try hashWorkTreeFile(root + "/" + entry.path))
        }
    }

    /// Like `versionsDifferingFromHead`, for the paths whose index entry differs from HEAD
    /// only: the index against HEAD's tree, no scan of the work tree (a checkout with many
    /// untracked files costs nothing here), and only those files hashed.
    public func stagedVersions() throws -> [PathVersions] {
        guard let root = workdir, let head = try referenceTarget("HEAD") else { return [] }
        let tree = try lookupTree(ofCommit: head)
        defer { git_tree_free(tree) }
        var index: OpaquePointer?
        try check("git_repository_index", git_repository_index(&index, handle))
        defer { git_index_free(index) }
        try check("git_index_read", git_index_read(index, 0))
        var diff: OpaquePointer?
        try check("git_diff_tree_to_index", git_diff_tree_to_index(&diff, handle, tree, index, nil))
        defer { git_diff_free(diff) }
        var paths = Set<String>()
        for i in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, i) else { continue }
            for file in [delta.pointee.old_file, delta.pointee.new_file] {
                if let path = file.path { paths.insert(String(cString: path)) }
            }
        }
        return try paths.sorted().map { path in
            let staged = git_index_get_bypath(index, path, 0).map { ObjectID($0.pointee.id) }
            return PathVersions(path: path, index: staged, workTree: try hashWorkTreeFile(root + "/" + path))
        }
    }

    /// The blob of `path` in `commit`'s tree, nil when absent (or not a blob).
    public func blob(at path: String, in commit: ObjectID) throws -> ObjectID? {
        let tree = try lookupTree(ofCommit: commit)
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, tree, path) == 0, let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return ObjectID(git_tree_entry_id(entry))
    }

    /// Whether every path that differs from HEAD holds, in the index and in the work tree, the
    /// content it has in one of `commits` (absent where it is absent there), nothing untracked
    /// besides: what a hard reset or checkout between those commits leaves when it is killed
    /// half way (libgit2 writes the files one by one, then the index). Finishing it loses nothing.
    public func isBetween(_ commits: [ObjectID]) throws -> Bool {
        let versions = try versionsDifferingFromHead()
        for item in versions {
            let known = try commits.map { try blob(at: item.path, in: $0) }
            guard known.contains(item.index) else { return false }
            if known.contains(item.workTree) { continue }
            guard try known.contains(where: { try $0.map { try isTornWrite(of: $0, at: item.path) } ?? false }) else { return false }
        }
        return true
    }

    /// Whether the work-tree file at `path` holds the beginning of `blob` and nothing else:
    /// what libgit2, which writes a checked-out file in place, leaves when killed during the
    /// write (an empty file, or a cut one).
    public func isTornWrite(of blob: ObjectID, at path: String) throws -> Bool {
        guard let root = workdir, let data = FileManager.default.contents(atPath: root + "/" + path) else { return false }
        var raw = blob.raw
        var object: OpaquePointer?
        guard git_blob_lookup(&object, handle, &raw) == 0, let object else { return false }
        defer { git_blob_free(object) }
        let size = Int(git_blob_rawsize(object))
        guard data.count < size, let content = git_blob_rawcontent(object) else { return false }
        return data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
            return memcmp(base, content, bytes.count) == 0
        }
    }

    /// Makes `paths` of this work tree and its index exactly what HEAD holds (forced: callers
    /// have checked that nothing there is the user's): `git reset -- paths`, then the files
    /// from the index. (A checkout of HEAD alone changes nothing where the work tree already
    /// matches HEAD, leaving the index behind.)
    public func checkoutHead(paths: [String]) throws {
        guard !paths.isEmpty, let head = try referenceTarget("HEAD") else { return }
        let commit = try lookupCommit(head)
        defer { git_commit_free(commit) }
        var options = git_checkout_options()
        try check("git_checkout_options_init", git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH.rawValue
        try withStrArray(paths) { spec in
            try check("git_reset_default", git_reset_default(handle, commit, &spec))
            options.paths = spec
            try check("git_checkout_index", git_checkout_index(handle, nil, &options))
        }
        // A path HEAD does not hold is out of the index now; its file goes too.
        guard let root = workdir else { return }
        for path in paths where try blob(at: path, in: head) == nil {
            unlink(root + "/" + path)
        }
    }

    private func hashWorkTreeFile(_ path: String) throws -> ObjectID? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        var out = git_oid()
        if info.st_mode & S_IFMT == S_IFLNK {
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink(path, &buffer, buffer.count)
            guard n >= 0 else { return nil }
            try check("git_odb_hash", git_odb_hash(&out, buffer, n, GIT_OBJECT_BLOB))
            return ObjectID(out)
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        try check("git_odb_hashfile", git_odb_hashfile(&out, path, GIT_OBJECT_BLOB))
        return ObjectID(out)
    }
}
