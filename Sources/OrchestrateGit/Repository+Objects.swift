import CLibgit2
import Foundation

extension Repository {
    /// Writes `data` as a blob and returns its id.
    public func writeBlob(_ data: Data) throws -> ObjectID {
        var out = git_oid()
        try data.withUnsafeBytes { bytes in
            try check("git_blob_create_from_buffer", git_blob_create_from_buffer(&out, handle, bytes.baseAddress, bytes.count))
        }
        return ObjectID(out)
    }

    /// Writes a flat tree of regular files (`name` → blob id) and returns its id.
    public func writeFlatTree(_ files: [String: ObjectID]) throws -> ObjectID {
        var builder: OpaquePointer?
        try check("git_treebuilder_new", git_treebuilder_new(&builder, handle, nil))
        defer { git_treebuilder_free(builder) }
        for (name, blob) in files.sorted(by: { $0.key < $1.key }) {
            var raw = blob.raw
            try check("git_treebuilder_insert", git_treebuilder_insert(nil, builder, name, &raw, GIT_FILEMODE_BLOB))
        }
        var out = git_oid()
        try check("git_treebuilder_write", git_treebuilder_write(&out, builder))
        return ObjectID(out)
    }

    /// The contents of the files of `names` found at the top of `commit`'s tree (one commit
    /// and tree lookup for all of them).
    public func topLevelFiles(_ names: [String], in commit: ObjectID) throws -> [String: Data] {
        let c = try lookupCommit(commit)
        defer { git_commit_free(c) }
        var tree: OpaquePointer?
        try check("git_commit_tree", git_commit_tree(&tree, c))
        defer { git_tree_free(tree) }
        var found: [String: Data] = [:]
        for name in names {
            guard let entry = git_tree_entry_byname(tree, name), let id = git_tree_entry_id(entry) else { continue }
            var raw = id.pointee
            var blob: OpaquePointer?
            try check("git_blob_lookup", git_blob_lookup(&blob, handle, &raw))
            defer { git_blob_free(blob) }
            found[name] = git_blob_rawcontent(blob).map { Data(bytes: $0, count: Int(git_blob_rawsize(blob))) } ?? Data()
        }
        return found
    }

    /// The content of the file `name` at the top of `commit`'s tree, or nil when absent.
    public func topLevelFile(_ name: String, in commit: ObjectID) throws -> Data? {
        let c = try lookupCommit(commit)
        defer { git_commit_free(c) }
        var tree: OpaquePointer?
        try check("git_commit_tree", git_commit_tree(&tree, c))
        defer { git_tree_free(tree) }
        guard let entry = git_tree_entry_byname(tree, name), let id = git_tree_entry_id(entry) else { return nil }
        var raw = id.pointee
        var blob: OpaquePointer?
        try check("git_blob_lookup", git_blob_lookup(&blob, handle, &raw))
        defer { git_blob_free(blob) }
        guard let content = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: content, count: Int(git_blob_rawsize(blob)))
    }

    /// The parents of `commit`.
    public func parents(of commit: ObjectID) throws -> [ObjectID] {
        try commitInfo(commit).parents
    }
}
