import CLibgit2

extension Repository {
    /// The commit a revision (`main`, `HEAD~2`, an OID, `orchestrate/T1`) names.
    public func resolveCommit(_ revision: String) throws -> ObjectID {
        var object: OpaquePointer?
        try check("git_revparse_single", git_revparse_single(&object, handle, revision))
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try check("git_object_peel", git_object_peel(&commit, object, GIT_OBJECT_COMMIT))
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit))
    }

    /// The commit a reference points to (following symbolic refs), or nil when it does not
    /// exist or is unborn.
    public func referenceTarget(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let status = git_reference_name_to_id(&oid, handle, name)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check("git_reference_name_to_id", status)
        return ObjectID(oid)
    }

    /// The full name of the branch HEAD points to (`refs/heads/main`), even when unborn; nil
    /// when HEAD is detached.
    public func headReferenceName() throws -> String? {
        var ref: OpaquePointer?
        try check("git_reference_lookup", git_reference_lookup(&ref, handle, "HEAD"))
        defer { git_reference_free(ref) }
        guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC,
            let target = git_reference_symbolic_target(ref)
        else { return nil }
        return String(cString: target)
    }

    /// Whether `name` is a valid full reference name.
    public static func isValidReferenceName(_ name: String) -> Bool {
        _ = libgit2Initialized
        var valid: Int32 = 0
        return git_reference_name_is_valid(&valid, name) == 0 && valid == 1
    }

    /// Creates reference `name` at `target`, or moves it with a compare-and-swap: it is only
    /// changed when it still points at `expected` (nil: only when it does not exist yet).
    /// Throws `GitError.Code.modified` when someone else moved it, `.exists` when it already
    /// exists, `.locked` when its lock file is held. Writes a reflog entry with `message`.
    public func setReference(
        _ name: String, to target: ObjectID, expecting expected: ObjectID?, message: String
    ) throws {
        var ref: OpaquePointer?
        var newID = target.raw
        if var old = expected?.raw {
            try check(
                "git_reference_create_matching",
                git_reference_create_matching(&ref, handle, name, &newID, 1, &old, message))
        } else {
            try check(
                "git_reference_create", git_reference_create(&ref, handle, name, &newID, 0, message))
        }
        git_reference_free(ref)
    }

    /// Where reference `name` pointed before its last recorded move (its reflog's newest entry),
    /// or nil when it has no reflog or was just created.
    public func previousTarget(of name: String) throws -> ObjectID? {
        var reflog: OpaquePointer?
        try check("git_reflog_read", git_reflog_read(&reflog, handle, name))
        defer { git_reflog_free(reflog) }
        guard git_reflog_entrycount(reflog) > 0, let entry = git_reflog_entry_byindex(reflog, 0),
            let old = git_reflog_entry_id_old(entry)
        else { return nil }
        let id = ObjectID(old)
        return git_oid_is_zero(old) == 1 ? nil : id
    }

    /// Deletes reference `name` if it still points at `expected`; returns false when it did not
    /// exist.
    @discardableResult
    public func deleteReference(_ name: String, expecting expected: ObjectID? = nil) throws -> Bool {
        var ref: OpaquePointer?
        let status = git_reference_lookup(&ref, handle, name)
        if status == GIT_ENOTFOUND.rawValue { return false }
        try check("git_reference_lookup", status)
        defer { git_reference_free(ref) }
        if let expected, let target = git_reference_target(ref), ObjectID(target) != expected {
            throw GitError(
                code: .modified, errorClass: 0,
                message: "reference '\(name)' moved to \(ObjectID(target).short())",
                function: "deleteReference")
        }
        try check("git_reference_delete", git_reference_delete(ref))
        return true
    }

    /// Every direct reference whose name matches `glob` (`refs/heads/orchestrate/*`), with its
    /// target, sorted by name.
    public func references(matching glob: String) throws -> [(name: String, target: ObjectID)] {
        var iterator: OpaquePointer?
        try check(
            "git_reference_iterator_glob_new", git_reference_iterator_glob_new(&iterator, handle, glob))
        defer { git_reference_iterator_free(iterator) }
        var result: [(name: String, target: ObjectID)] = []
        while true {
            var ref: OpaquePointer?
            let status = git_reference_next(&ref, iterator)
            if status == GIT_ITEROVER.rawValue { break }
            try check("git_reference_next", status)
            defer { git_reference_free(ref) }
            if let target = git_reference_target(ref) {
                result.append((String(cString: git_reference_name(ref)), ObjectID(target)))
            }
        }
        return result.sorted { $0.name < $1.name }
    }

    /// The commit each reference under `prefix` (`refs/heads/`) points to, symbolic ones
    /// followed, keyed by full name: one pass over the refs, where a `referenceTarget` per name
    /// looks up the loose file and the packed refs each time (the head scan of `status` asks
    /// about thousands of branches). Unborn symbolic refs are left out, as `referenceTarget`
    /// answers nil for them.
    public func referenceTargets(under prefix: String) throws -> [String: ObjectID] {
        var iterator: OpaquePointer?
        try check(
            "git_reference_iterator_glob_new",
            git_reference_iterator_glob_new(&iterator, handle, prefix + "*"))
        defer { git_reference_iterator_free(iterator) }
        var result: [String: ObjectID] = [:]
        while true {
            var ref: OpaquePointer?
            let status = git_reference_next(&ref, iterator)
            if status == GIT_ITEROVER.rawValue { break }
            try check("git_reference_next", status)
            defer { git_reference_free(ref) }
            let name = String(cString: git_reference_name(ref))
            if let target = git_reference_target(ref) {
                result[name] = ObjectID(target)
            } else if let target = try referenceTarget(name) {
                result[name] = target
            }
        }
        return result
    }

    /// Creates local branch `name` (short name) at `commit`; fails if it exists.
    public func createBranch(_ name: String, at commit: ObjectID) throws {
        let target = try lookupCommit(commit)
        defer { git_commit_free(target) }
        var ref: OpaquePointer?
        try check("git_branch_create", git_branch_create(&ref, handle, name, target, 0))
        git_reference_free(ref)
    }

    func lookupCommit(_ oid: ObjectID) throws -> OpaquePointer? {
        var commit: OpaquePointer?
        var raw = oid.raw
        try check("git_commit_lookup", git_commit_lookup(&commit, handle, &raw))
        return commit
    }
}
