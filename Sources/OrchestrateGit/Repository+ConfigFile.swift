import CLibgit2

/// One git configuration file read and written on its own (a worktree's `config.worktree`),
/// whatever level libgit2 would give it: libgit2 1.5 does not read `config.worktree` at all.
public enum ConfigFile {
    /// The value of `key` in the file at `path`, or nil when the file or the key is absent.
    public static func string(_ key: String, in path: String) throws -> String? {
        var config: OpaquePointer?
        let opened = git_config_open_ondisk(&config, path)
        if opened == GIT_ENOTFOUND.rawValue { return nil }
        try check("git_config_open_ondisk", opened)
        defer { git_config_free(config) }
        return try readString(key, from: config)
    }

    /// The string value of `key` in an open configuration, or nil when it is not set: the one
    /// place that reads a value out of a libgit2 config, for a file or a repository snapshot.
    static func readString(_ key: String, from config: OpaquePointer?) throws -> String? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let status = git_config_get_string_buf(&buffer, config, key)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check("git_config_get_string_buf", status)
        guard let ptr = buffer.ptr else { return nil }
        return String(cString: ptr)
    }

    /// Sets `key` in the file at `path`, creating the file when needed.
    public static func set(_ key: String, to value: String, in path: String) throws {
        var config: OpaquePointer?
        try check("git_config_open_ondisk", git_config_open_ondisk(&config, path))
        defer { git_config_free(config) }
        try check("git_config_set_string", git_config_set_string(config, key, value))
    }

    /// Removes `key` from the file at `path`; false when it was not there.
    @discardableResult
    public static func remove(_ key: String, in path: String) throws -> Bool {
        var config: OpaquePointer?
        let opened = git_config_open_ondisk(&config, path)
        if opened == GIT_ENOTFOUND.rawValue { return false }
        try check("git_config_open_ondisk", opened)
        defer { git_config_free(config) }
        let status = git_config_delete_entry(config, key)
        if status == GIT_ENOTFOUND.rawValue { return false }
        try check("git_config_delete_entry", status)
        return true
    }

    /// Whether the file at `path` sets any key at all.
    public static func isEmpty(_ path: String) throws -> Bool {
        var config: OpaquePointer?
        let opened = git_config_open_ondisk(&config, path)
        if opened == GIT_ENOTFOUND.rawValue { return true }
        try check("git_config_open_ondisk", opened)
        defer { git_config_free(config) }
        var iterator: OpaquePointer?
        try check("git_config_iterator_new", git_config_iterator_new(&iterator, config))
        defer { git_config_iterator_free(iterator) }
        var entry: UnsafeMutablePointer<git_config_entry>?
        return git_config_next(&entry, iterator) != 0
    }
}
