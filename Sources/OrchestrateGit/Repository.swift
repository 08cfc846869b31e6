import CLibgit2
import Foundation

/// An open repository: the owner of a `git_repository` handle, freed in `deinit`.
/// Not `Sendable`: libgit2 objects must not be shared between threads.
public final class Repository {
    let handle: OpaquePointer

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { git_repository_free(handle) }

    /// Finds the repository the way the git CLI does: `GIT_DIR` and friends when set (as they
    /// are inside hooks), otherwise searching upwards from the current directory.
    public static func discover() throws -> Repository {
        _ = libgit2Initialized
        var out: OpaquePointer?
        try check(
            "git_repository_open_ext",
            git_repository_open_ext(&out, nil, GIT_REPOSITORY_OPEN_FROM_ENV.rawValue, nil))
        return try Repository(handle: unwrap(out))
    }

    /// Opens the repository (or worktree) whose work tree or git dir is exactly `path`.
    public static func open(at path: String) throws -> Repository {
        _ = libgit2Initialized
        var out: OpaquePointer?
        try check("git_repository_open", git_repository_open(&out, path))
        return try Repository(handle: unwrap(out))
    }

    /// This repository's git dir (for a worktree, its private admin folder), without a
    /// trailing slash.
    public var gitDir: String { Repository.trimSlash(String(cString: git_repository_path(handle))) }

    /// The git dir shared by all worktrees, where shared state lives.
    public var commonDir: String {
        Repository.trimSlash(String(cString: git_repository_commondir(handle)))
    }

    /// The work tree's root, or nil for a bare repository.
    public var workdir: String? {
        guard let p = git_repository_workdir(handle) else { return nil }
        return Repository.trimSlash(String(cString: p))
    }

    /// Whether this handle was opened on a linked worktree (not the main checkout).
    public var isLinkedWorktree: Bool { git_repository_is_worktree(handle) == 1 }

    /// Whether the repository is bare.
    public var isBare: Bool { git_repository_is_bare(handle) == 1 }

    static func trimSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}

/// Turns a C out-parameter that a successful call must have set into a value.
func unwrap<T>(_ value: T?, _ what: StaticString = #function) throws -> T {
    guard let value else {
        throw GitError(
            code: .generic, errorClass: 0, message: "libgit2 returned no object", function: "\(what)")
    }
    return value
}
