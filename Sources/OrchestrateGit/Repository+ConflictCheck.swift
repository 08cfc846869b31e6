import CLibgit2

extension Repository {
    /// Where the change `ancestor → theirs` conflicts with `ancestor → ours` (all commits);
    /// empty when they merge cleanly. Nothing but merged blobs is written.
    ///
    /// Made for asking this of many pairs (`conflicts`): only the paths both sides changed are
    /// looked at, each merged line by line as `git_merge_trees` would for plain files. Anything
    /// else on a shared path — a delete, an add on both sides, a mode or type change, a merge
    /// driver, a folder against a file — is settled by the full three-way merge
    /// (`applyChange`), with its rename detection.
    public func conflictingPaths(ancestor: ObjectID, ours: ObjectID, theirs: ObjectID) throws -> [String] {
        let ourChanges = try treeChanges(from: ancestor, to: ours)
        let theirChanges = try treeChanges(from: ancestor, to: theirs)
        let ourByPath = Dictionary(ourChanges.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var conflicts: [String] = []
        for their in theirChanges {
            guard let our = ourByPath[their.path] else { continue }
            if our.new == their.new { continue }  // the same change on both sides
            guard let old = our.old, let ourNew = our.new, let theirNew = their.new, old.isBlob, !old.isLink,
                old.mode == ourNew.mode, old.mode == theirNew.mode,
                let merged = try mergeFileConflicts(their.path, ancestor: old.id, ours: ourNew.id, theirs: theirNew.id, mode: old.mode)
            else { return try fullMergeConflicts(ancestor: ancestor, ours: ours, theirs: theirs) }
            if merged { conflicts.append(their.path) }
        }
        // A file on one side where the other has a folder is a conflict of the trees, not of
        // a path both changed: only the full merge sees it.
        if Repository.pathsNest(Set(ourChanges.map(\.path)), Set(theirChanges.map(\.path))) {
            return try fullMergeConflicts(ancestor: ancestor, ours: ours, theirs: theirs)
        }
        return conflicts
    }

    /// Whether the file merge conflicts (true), merges (false), or cannot be judged alone (nil:
    /// a merge driver is configured for the path).
    private func mergeFileConflicts(_ path: String, ancestor: ObjectID, ours: ObjectID, theirs: ObjectID, mode: UInt32) throws -> Bool? {
        var driver: UnsafePointer<CChar>?
        try check("git_attr_get", git_attr_get(&driver, handle, 0, path, "merge"))
        let kind = git_attr_value(driver)
        guard kind == GIT_ATTR_VALUE_UNSPECIFIED || kind == GIT_ATTR_VALUE_TRUE else { return nil }
        return try mergeFile(path, ancestor: ancestor, ours: ours, theirs: theirs, mode: mode) == nil
    }

    private func fullMergeConflicts(ancestor: ObjectID, ours: ObjectID, theirs: ObjectID) throws -> [String] {
        if case .conflict(let paths) = try applyChange(ancestor: ancestor, theirs: theirs, onto: ours) { return paths }
        return []
    }

    /// Whether two sets of changed paths can conflict at all: a common path, or a path of one
    /// that is a folder above a path of the other.
    public static func pathsMeet(_ a: Set<String>, _ b: Set<String>) -> Bool {
        !a.isDisjoint(with: b) || pathsNest(a, b)
    }

    /// Whether a path of one set is a folder above a path of the other.
    static func pathsNest(_ a: Set<String>, _ b: Set<String>) -> Bool {
        func folders(_ paths: Set<String>) -> Set<String> {
            var result = Set<String>()
            for path in paths {
                var end = path.endIndex
                while let slash = path[..<end].lastIndex(of: "/") {
                    result.insert(String(path[..<slash]))
                    end = slash
                }
            }
            return result
        }
        return !folders(a).isDisjoint(with: b) || !folders(b).isDisjoint(with: a)
    }
}
