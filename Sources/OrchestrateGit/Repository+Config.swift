import CLibgit2

extension Repository {
    /// The value of configuration `key` as git would read it here (all levels, the most
    /// specific wins), or nil when it is not set.
    public func configString(_ key: String) throws -> String? {
        var config: OpaquePointer?
        try check("git_repository_config_snapshot", git_repository_config_snapshot(&config, handle))
        defer { git_config_free(config) }
        return try ConfigFile.readString(key, from: config)
    }

    /// Sets `key` in the repository's own configuration file (`<common dir>/config`).
    public func setLocalConfig(_ key: String, to value: String) throws {
        _ = try withLocalConfig { local in
            try check("git_config_set_string", git_config_set_string(local, key, value))
        }
    }

    /// Removes `key` from the repository's own configuration file; false when it was not set.
    @discardableResult
    public func removeLocalConfig(_ key: String) throws -> Bool {
        try withLocalConfig { local in
            let status = git_config_delete_entry(local, key)
            if status == GIT_ENOTFOUND.rawValue { return false }
            try check("git_config_delete_entry", status)
            return true
        }
    }

    private func withLocalConfig<T>(_ body: (OpaquePointer?) throws -> T) throws -> T {
        var config: OpaquePointer?
        try check("git_repository_config", git_repository_config(&config, handle))
        defer { git_config_free(config) }
        var local: OpaquePointer?
        try check("git_config_open_level", git_config_open_level(&local, config, GIT_CONFIG_LEVEL_LOCAL))
        defer { git_config_free(local) }
        return try body(local)
    }

    /// Whether the object database holds `oid` (a push may name commits we never fetched).
    public func hasObject(_ oid: ObjectID) throws -> Bool {
        var odb: OpaquePointer?
        try check("git_repository_odb", git_repository_odb(&odb, handle))
        defer { git_odb_free(odb) }
        var raw = oid.raw
        return git_odb_exists(odb, &raw) == 1
    }

    /// The paths a commit made now would change: the index (`GIT_INDEX_FILE` when git set it,
    /// as it does for `git commit -a` or `git commit <paths>`) against HEAD's tree. A rename
    /// lists both the old and the new path.
    public func stagedPaths() throws -> [String] {
        var index: OpaquePointer?
        try check("git_repository_index", git_repository_index(&index, handle))
        defer { git_index_free(index) }
        var headTree: OpaquePointer?
        defer { git_tree_free(headTree) }
        if let head = try referenceTarget("HEAD") {
            var raw = try treeOf(head).raw
            try check("git_tree_lookup", git_tree_lookup(&headTree, handle, &raw))
        }
        var diff: OpaquePointer?
        try check("git_diff_tree_to_index", git_diff_tree_to_index(&diff, handle, headTree, index, nil))
        defer { git_diff_free(diff) }
        var paths = Set<String>()
        for i in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, i) else { continue }
            if let p = delta.pointee.old_file.path { paths.insert(String(cString: p)) }
            if let p = delta.pointee.new_file.path { paths.insert(String(cString: p)) }
        }
        return paths.sorted()
    }
}

extension ObjectID {
    /// Whether this is the all-zero id git uses for "no object" (a created or deleted ref).
    public var isZero: Bool {
        var copy = raw
        return git_oid_is_zero(&copy) == 1
    }
}
