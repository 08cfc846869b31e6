import CLibgit2
import Foundation

/// How a change was applied onto another tree.
public enum MergeMethod: Sendable, Equatable {
    /// Only the changed paths of the other tree were replaced, each by exactly the change's
    /// version: the change is the same change, path for path.
    case paths
    /// As `paths`, but a file both sides edited was merged line by line.
    case lines
    /// A full three-way merge of the trees (`git_merge_trees`; where a rename could be paired,
    /// `git merge-tree`, so that renames are git's).
    case full
}

/// The outcome of replaying one commit's change onto another tree.
public enum TreeMergeResult: Sendable, Equatable {
    /// The merged tree, and how it was made.
    case clean(tree: ObjectID, method: MergeMethod)
    /// The change does not apply: these paths conflict.
    case conflict(paths: [String])
}

extension Repository {
    /// Applies the change `ancestor → theirs` (trees of commits) to the tree of `ours`, as a
    /// cherry-pick would: the tree that results, or the conflicting paths. Nothing is written
    /// but objects. Fast path: when `ours` has not touched any path the change touches, the
    /// result is the tree of `ours` with only those paths replaced; otherwise a real 3-way merge
    /// with rename detection (`git_merge_trees`).
    public func applyChange(ancestor: ObjectID, theirs: ObjectID, onto ours: ObjectID) throws -> TreeMergeResult {
        let ancestorTree = try lookupTree(ofCommit: ancestor)
        defer { git_tree_free(ancestorTree) }
        let theirTree = try lookupTree(ofCommit: theirs)
        defer { git_tree_free(theirTree) }
        let ourTree = try lookupTree(ofCommit: ours)
        defer { git_tree_free(ourTree) }
        if let (tree, mergedLines) = try fastApply(ancestorTree, theirTree, ourTree) {
            return .clean(tree: tree, method: mergedLines ? .lines : .paths)
        }
        // Where a rename could be paired, git decides (its similarity measure and threshold,
        // not libgit2's); elsewhere rename detection cannot change the result.
        if try mayHoldRenames(ancestorTree, ourTree, theirTree) {
            return try gitMergeTree(ancestor: ancestor, theirs: theirs, ours: ours)
        }
        var options = git_merge_options()
        try check("git_merge_options_init", git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)))
        options.flags &= ~GIT_MERGE_FIND_RENAMES.rawValue
        var index: OpaquePointer?
        try check("git_merge_trees", git_merge_trees(&index, handle, ancestorTree, ourTree, theirTree, &options))
        defer { git_index_free(index) }
        if git_index_has_conflicts(index) == 1 {
            return .conflict(paths: try conflictPaths(index))
        }
        var out = git_oid()
        try check("git_index_write_tree_to", git_index_write_tree_to(&out, index, handle))
        return .clean(tree: ObjectID(out), method: .full)
    }

    /// The fast path: nil when `ours` differs from `ancestor` at any path the change touches
    /// (or at a folder above an added path), or when the change holds anything but plain blobs.
    func fastApply(_ ancestor: OpaquePointer?, _ theirs: OpaquePointer?, _ ours: OpaquePointer?) throws -> (ObjectID, mergedLines: Bool)? {
        var updates: [(action: git_tree_update_t, id: git_oid, mode: git_filemode_t, path: String)] = []
        var mergedLines = false
        for change in try treeChanges(ancestor, theirs) {
            // Only plain files and links; a type change (file ↔ link) goes to the full merge.
            let sides = [change.old, change.new].compactMap { $0 }
            guard sides.allSatisfy(\.isBlob), Set(sides.map(\.isLink)).count == 1 else { return nil }
            let oursEntry = entry(ours, change.path)
            if oursEntry?.id != change.old?.id || oursEntry?.mode != change.old?.mode {
                // Both sides changed this file: merge its three versions line by line, as
                // git_merge_trees does for a file without merge attributes (which also builds
                // and writes an index of the whole tree, ~40 ms on 5,000 files). Anything else
                // — a rename, a delete, a mode change, a conflict — takes the full merge.
                guard let old = change.old, let new = change.new, let oursEntry, !old.isLink,
                    old.mode == new.mode, oursEntry.mode == old.mode,
                    let merged = try mergeFile(change.path, ancestor: old.id, ours: oursEntry.id, theirs: new.id, mode: old.mode)
                else { return nil }
                updates.append((GIT_TREE_UPDATE_UPSERT, merged.raw, git_filemode_t(old.mode), change.path))
                mergedLines = true
                continue
            }
            if let new = change.new {
                if change.old == nil {
                    // A folder above the new file must still be a folder (or absent) in ours.
                    var prefix = ""
                    for component in change.path.split(separator: "/").dropLast() {
                        prefix += (prefix.isEmpty ? "" : "/") + component
                        if let e = entry(ours, prefix), e.mode != UInt32(GIT_FILEMODE_TREE.rawValue) { return nil }
                    }
                }
                updates.append((GIT_TREE_UPDATE_UPSERT, new.id.raw, git_filemode_t(new.mode), change.path))
            } else if let old = change.old {
                updates.append((GIT_TREE_UPDATE_REMOVE, old.id.raw, git_filemode_t(old.mode), change.path))
            }
        }
        var out = git_oid()
        let cPaths = updates.map { strdup($0.path) }
        defer { cPaths.forEach { free($0) } }
        var raw = updates.enumerated().map { i, u in
            git_tree_update(action: u.action, id: u.id, filemode: u.mode, path: UnsafePointer(cPaths[i]))
        }
        try check(
            "git_tree_create_updated",
            git_tree_create_updated(&out, handle, ours, raw.count, &raw))
        return (ObjectID(out), mergedLines)
    }

    /// The three-way merge of one file's blobs, written as a blob; nil when it conflicts or when
    /// `.gitattributes` names a merge driver for the path (then only the full merge is right).
    func mergeFile(_ path: String, ancestor: ObjectID, ours: ObjectID, theirs: ObjectID, mode: UInt32) throws -> ObjectID? {
        var driver: UnsafePointer<CChar>?
        try check("git_attr_get", git_attr_get(&driver, handle, 0, path, "merge"))
        let kind = git_attr_value(driver)
        guard kind == GIT_ATTR_VALUE_UNSPECIFIED || kind == GIT_ATTR_VALUE_TRUE else { return nil }
        let blobs = try [ancestor, ours, theirs].map { id -> OpaquePointer? in
            var raw = id.raw
            var blob: OpaquePointer?
            try check("git_blob_lookup", git_blob_lookup(&blob, handle, &raw))
            return blob
        }
        defer { blobs.forEach { git_blob_free($0) } }
        var inputs = try blobs.map { blob -> git_merge_file_input in
            var input = git_merge_file_input()
            try check("git_merge_file_input_init", git_merge_file_input_init(&input, UInt32(GIT_MERGE_FILE_INPUT_VERSION)))
            input.ptr = git_blob_rawcontent(blob)?.assumingMemoryBound(to: CChar.self)
            input.size = Int(git_blob_rawsize(blob))
            input.mode = mode
            return input
        }
        var result = git_merge_file_result()
        defer { git_merge_file_result_free(&result) }
        let status = path.withCString { cPath in
            inputs[0].path = cPath
            inputs[1].path = cPath
            inputs[2].path = cPath
            return git_merge_file(&result, &inputs[0], &inputs[1], &inputs[2], nil)
        }
        try check("git_merge_file", status)
        guard result.automergeable == 1 else { return nil }
        var out = git_oid()
        try check("git_blob_create_from_buffer", git_blob_create_from_buffer(&out, handle, result.ptr, result.len))
        return ObjectID(out)
    }

    /// The id and mode of the entry at `path` in `tree`, or nil.
    private func entry(_ tree: OpaquePointer?, _ path: String) -> (id: ObjectID, mode: UInt32)? {
        var e: OpaquePointer?
        guard git_tree_entry_bypath(&e, tree, path) == 0, let e else { return nil }
        defer { git_tree_entry_free(e) }
        return (ObjectID(git_tree_entry_id(e)), git_tree_entry_filemode(e).rawValue)
    }

    private func conflictPaths(_ index: OpaquePointer?) throws -> [String] {
        var iterator: OpaquePointer?
        try check("git_index_conflict_iterator_new", git_index_conflict_iterator_new(&iterator, index))
        defer { git_index_conflict_iterator_free(iterator) }
        var paths = Set<String>()
        while true {
            var a: UnsafePointer<git_index_entry>?
            var o: UnsafePointer<git_index_entry>?
            var t: UnsafePointer<git_index_entry>?
            let status = git_index_conflict_next(&a, &o, &t, iterator)
            if status == GIT_ITEROVER.rawValue { break }
            try check("git_index_conflict_next", status)
            for e in [a, o, t] { if let e, let p = e.pointee.path { paths.insert(String(cString: p)) } }
        }
        return paths.sorted()
    }

    func lookupTree(ofCommit commit: ObjectID) throws -> OpaquePointer? {
        var raw = try treeOf(commit).raw
        var tree: OpaquePointer?
        try check("git_tree_lookup", git_tree_lookup(&tree, handle, &raw))
        return tree
    }

    /// Writes a copy of `commit` with `tree` on `parent`: same author, date and message,
    /// committer `committer`.
    public func replayCommit(_ commit: CommitInfo, tree: ObjectID, onto parent: ObjectID, committer: Signature) throws -> ObjectID {
        try createCommit(tree: tree, parents: [parent], author: commit.author, committer: committer, message: commit.message)
    }
}
