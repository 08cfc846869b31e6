import CLibgit2

/// An entry of a tree: the object it names and its file mode.
public struct TreeEntryInfo: Sendable, Equatable {
    public var id: ObjectID
    public var mode: UInt32

    /// A plain file, an executable or a symbolic link (not a folder or a submodule).
    public var isBlob: Bool {
        mode == GIT_FILEMODE_BLOB.rawValue || mode == GIT_FILEMODE_BLOB_EXECUTABLE.rawValue
            || mode == GIT_FILEMODE_LINK.rawValue
    }

    /// A symbolic link.
    var isLink: Bool { mode == GIT_FILEMODE_LINK.rawValue }
}

/// One path that differs between two trees: absent on one side when added or deleted.
public struct TreeChange: Sendable, Equatable {
    public var path: String
    public var old: TreeEntryInfo?
    public var new: TreeEntryInfo?
}

extension Repository {
    /// The leaf paths (files, links, submodules) that differ between the trees of two commits,
    /// in tree order. Unlike `git_diff_tree_to_tree`, which visits every entry of both trees,
    /// this skips every sub-tree whose id is the same on both sides — as `git diff-tree` does —
    /// so its cost follows the size of the change, not of the repository.
    public func treeChanges(from old: ObjectID, to new: ObjectID) throws -> [TreeChange] {
        let oldTree = try lookupTree(ofCommit: old)
        defer { git_tree_free(oldTree) }
        let newTree = try lookupTree(ofCommit: new)
        defer { git_tree_free(newTree) }
        return try treeChanges(oldTree, newTree)
    }

    /// `treeChanges` between two loaded trees.
    func treeChanges(_ old: OpaquePointer?, _ new: OpaquePointer?) throws -> [TreeChange] {
        var changes: [TreeChange] = []
        try compare(old, new, prefix: "", into: &changes)
        return changes
    }

    private func compare(_ a: OpaquePointer?, _ b: OpaquePointer?, prefix: String, into changes: inout [TreeChange]) throws {
        if let a, let b, git_oid_equal(git_tree_id(a), git_tree_id(b)) == 1 { return }
        let countA = a.map { git_tree_entrycount($0) } ?? 0
        let countB = b.map { git_tree_entrycount($0) } ?? 0
        var i = 0
        var j = 0
        while i < countA || j < countB {
            let entryA = i < countA ? git_tree_entry_byindex(a, i) : nil
            let entryB = j < countB ? git_tree_entry_byindex(b, j) : nil
            // Both trees are sorted the way git sorts them (a folder as if its name ended in
            // "/"), so one merge-join pass pairs the entries; a file and a folder of the same
            // name stay apart, as a delete and an add, like git's own diff shows them.
            let order: Int32
            if let entryA, let entryB {
                order = git_tree_entry_cmp(entryA, entryB)
            } else {
                order = entryA == nil ? 1 : -1
            }
            if order == 0, let entryA, let entryB {
                i += 1
                j += 1
                let infoA = info(entryA)
                let infoB = info(entryB)
                if infoA == infoB { continue }
                let path = prefix + String(cString: git_tree_entry_name(entryA))
                if infoA.mode == GIT_FILEMODE_TREE.rawValue && infoB.mode == GIT_FILEMODE_TREE.rawValue {
                    let subA = try subtree(entryA)
                    defer { git_tree_free(subA) }
                    let subB = try subtree(entryB)
                    defer { git_tree_free(subB) }
                    try compare(subA, subB, prefix: path + "/", into: &changes)
                } else {
                    changes.append(TreeChange(path: path, old: infoA, new: infoB))
                }
            } else if order < 0, let entryA {
                i += 1
                try listAll(entryA, prefix: prefix, deleted: true, into: &changes)
            } else if let entryB {
                j += 1
                try listAll(entryB, prefix: prefix, deleted: false, into: &changes)
            }
        }
    }

    /// Every leaf under an entry that exists on one side only, as deleted or added.
    private func listAll(_ entry: OpaquePointer, prefix: String, deleted: Bool, into changes: inout [TreeChange]) throws {
        let entryInfo = info(entry)
        let path = prefix + String(cString: git_tree_entry_name(entry))
        guard entryInfo.mode == GIT_FILEMODE_TREE.rawValue else {
            changes.append(TreeChange(path: path, old: deleted ? entryInfo : nil, new: deleted ? nil : entryInfo))
            return
        }
        let tree = try subtree(entry)
        defer { git_tree_free(tree) }
        if deleted {
            try compare(tree, nil, prefix: path + "/", into: &changes)
        } else {
            try compare(nil, tree, prefix: path + "/", into: &changes)
        }
    }

    private func info(_ entry: OpaquePointer) -> TreeEntryInfo {
        TreeEntryInfo(id: ObjectID(git_tree_entry_id(entry)), mode: git_tree_entry_filemode(entry).rawValue)
    }

    private func subtree(_ entry: OpaquePointer) throws -> OpaquePointer? {
        var tree: OpaquePointer?
        try check("git_tree_lookup", git_tree_lookup(&tree, handle, git_tree_entry_id(entry)))
        return tree
    }
}
