import CLibgit2
import Foundation

/// A linked worktree as git records it.
public struct WorktreeInfo: Sendable, Equatable {
    /// The admin name (the folder under `<common dir>/worktrees/`).
    public var name: String
    /// The work tree's path.
    public var path: String
    /// Whether the work tree folder and its admin data are both there.
    public var isValid: Bool
    /// Whether the worktree is locked (`git worktree lock`).
    public var isLocked: Bool
}

extension Repository {
    /// Adds a linked worktree named `name` at `path`, checking out the existing local branch
    /// `branch` (short name). libgit2 refuses names with `/` and branches checked out elsewhere.
    ///
    /// libgit2 1.5.1 counts any failure to read another worktree's HEAD as "the branch is checked
    /// out there" (its per-worktree callback's error is taken for a match), which happens while
    /// another process creates or removes a worktree: `next` racing `next` failed with
    /// "reference is already checked out" for branches made a moment before. When no HEAD file
    /// names the branch, that refusal is spurious: what the attempt left is cleared and it is
    /// tried again.
    public func addWorktree(name: String, path: String, branch: String) throws {
        // libgit2 creates `<common dir>/worktrees` exclusively when it is missing: two processes
        // adding the first worktrees at once made one fail with "directory exists". Made here,
        // tolerantly, first.
        try? FileManager.default.createDirectory(atPath: commonDir + "/worktrees", withIntermediateDirectories: true)
        var attempt = 0
        while true {
            do {
                return try addWorktreeOnce(name: name, path: path, branch: branch)
            } catch let error as GitError where error.message.contains("already checked out") && attempt < 10 {
                guard !headFilesName(branch: "refs/heads/" + branch) else { throw error }
                attempt += 1
                clearFailedAdd(name: name, path: path)
                usleep(UInt32.random(in: 10_000...50_000) * UInt32(min(attempt, 4)))
            }
        }
    }

    /// Whether the HEAD file of the main work tree or of any linked worktree names `ref`, read
    /// as plain files (what git itself consults).
    func headFilesName(branch ref: String) -> Bool {
        let fm = FileManager.default
        var heads = [commonDir + "/HEAD"]
        if let names = try? fm.contentsOfDirectory(atPath: commonDir + "/worktrees") {
            heads += names.map { commonDir + "/worktrees/\($0)/HEAD" }
        }
        return heads.contains { head in
            guard let data = fm.contents(atPath: head) else { return false }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "ref: " + ref
        }
    }

    /// Removes what a refused `git_worktree_add` left: its admin folder (which has no HEAD yet)
    /// and the work tree folder, when that holds nothing but the `.git` file it wrote.
    func clearFailedAdd(name: String, path: String) {
        let fm = FileManager.default
        let admin = commonDir + "/worktrees/" + name
        if fm.fileExists(atPath: admin), !fm.fileExists(atPath: admin + "/HEAD") {
            try? fm.removeItem(atPath: admin)
        }
        if let entries = try? fm.contentsOfDirectory(atPath: path), entries.allSatisfy({ $0 == ".git" }) {
            try? fm.removeItem(atPath: path)
        }
    }

    private func addWorktreeOnce(name: String, path: String, branch: String) throws {
        var branchRef: OpaquePointer?
        try check(
            "git_branch_lookup", git_branch_lookup(&branchRef, handle, branch, GIT_BRANCH_LOCAL))
        defer { git_reference_free(branchRef) }
        // Content filters (CRLF, ident, filter drivers) cost about 40% of the checkout's
        // instructions (attribute look-ups per file) even when nothing asks for them; they are
        // skipped only when provably no-ops (docs/performance.md). Whether the tree holds a
        // `.gitattributes` below its root is seen during the checkout itself (reading every
        // folder beforehand cost as much as the checkout's own tree reads): when one turns
        // up, the worktree is made again with filters.
        if let target = git_reference_target(branchRef), try filtersMayBeSkipped(for: target.pointee) {
            var sawAttributes = false
            try addWorktree(name: name, path: path, branch: branchRef, disableFilters: true, sawAttributes: &sawAttributes)
            guard sawAttributes else { return }
            try removeWorktree(name: name)
        }
        var unused = false
        try addWorktree(name: name, path: path, branch: branchRef, disableFilters: false, sawAttributes: &unused)
    }

    private func addWorktree(
        name: String, path: String, branch: OpaquePointer?, disableFilters: Bool, sawAttributes: inout Bool
    ) throws {
        var options = git_worktree_add_options()
        try check(
            "git_worktree_add_options_init",
            git_worktree_add_options_init(&options, UInt32(GIT_WORKTREE_ADD_OPTIONS_VERSION)))
        options.ref = branch
        if disableFilters {
            options.checkout_options.disable_filters = 1
            // Called with the path of every file written.
            options.checkout_options.progress_cb = { path, _, _, payload in
                guard let path, let payload else { return }
                let length = strlen(path)
                if strcmp(path, ".gitattributes") == 0
                    || (length > 15 && strcmp(path + (length - 15), "/.gitattributes") == 0)
                {
                    payload.assumingMemoryBound(to: Bool.self).pointee = true
                }
            }
        }
        var worktree: OpaquePointer?
        try withUnsafeMutablePointer(to: &sawAttributes) { flag in
            options.checkout_options.progress_payload = disableFilters ? UnsafeMutableRawPointer(flag) : nil
            try check("git_worktree_add", git_worktree_add(&worktree, handle, name, path, &options))
        }
        git_worktree_free(worktree)
    }

    /// Whether checking out `commit` may apply no content filter, judged without reading the
    /// whole tree: no `.gitattributes` at its root, no `info/attributes`, no global attributes
    /// file, and no CRLF/EOL configuration. (A `.gitattributes` deeper down is the caller's
    /// to notice while checking out.)
    func filtersMayBeSkipped(for commit: git_oid) throws -> Bool {
        let fm = FileManager.default
        let env = ProcessInfo.processInfo.environment
        var globals = [commonDir + "/info/attributes"]
        if let xdg = env["XDG_CONFIG_HOME"], !xdg.isEmpty { globals.append(xdg + "/git/attributes") }
        if let home = env["HOME"] { globals.append(home + "/.config/git/attributes") }
        if globals.contains(where: { fm.fileExists(atPath: $0) }) { return false }
        var config: OpaquePointer?
        try check("git_repository_config_snapshot", git_repository_config_snapshot(&config, handle))
        defer { git_config_free(config) }
        for key in ["core.autocrlf", "core.eol", "core.attributesFile", "core.safecrlf"] {
            var entry: UnsafeMutablePointer<git_config_entry>?
            if git_config_get_entry(&entry, config, key) == 0 {
                let value = entry.flatMap { $0.pointee.value.map { String(cString: $0).lowercased() } }
                git_config_entry_free(entry)
                if !(key == "core.autocrlf" && value == "false") { return false }
            }
        }
        var oid = commit
        var commitObject: OpaquePointer?
        try check("git_commit_lookup", git_commit_lookup(&commitObject, handle, &oid))
        defer { git_commit_free(commitObject) }
        var tree: OpaquePointer?
        try check("git_commit_tree", git_commit_tree(&tree, commitObject))
        defer { git_tree_free(tree) }
        return git_tree_entry_byname(tree, ".gitattributes") == nil
    }

    /// The linked worktrees of this repository.
    public func worktrees() throws -> [WorktreeInfo] {
        var names = git_strarray()
        try check("git_worktree_list", git_worktree_list(&names, handle))
        defer { git_strarray_dispose(&names) }
        var result: [WorktreeInfo] = []
        for i in 0..<names.count {
            guard let cName = names.strings[i], let info = worktree(named: String(cString: cName)) else { continue }
            result.append(info)
        }
        return result.sorted { $0.name < $1.name }
    }

    /// The linked worktree registered as `name`, or nil (one look-up, not a listing).
    public func worktree(named name: String) -> WorktreeInfo? {
        var wt: OpaquePointer?
        guard git_worktree_lookup(&wt, handle, name) == 0 else { return nil }
        defer { git_worktree_free(wt) }
        let path = git_worktree_path(wt).map { Repository.trimSlash(String(cString: $0)) } ?? ""
        return WorktreeInfo(
            name: name, path: path, isValid: git_worktree_validate(wt) == 0,
            isLocked: git_worktree_is_locked(nil, wt) > 0)
    }

    /// Removes linked worktree `name`: its folder (when `removeFolder`) and its admin data.
    /// Refuses a locked worktree. A worktree whose folder is already gone is pruned too.
    public func removeWorktree(name: String, removeFolder: Bool = true) throws {
        var wt: OpaquePointer?
        try check("git_worktree_lookup", git_worktree_lookup(&wt, handle, name))
        defer { git_worktree_free(wt) }
        var options = git_worktree_prune_options()
        try check(
            "git_worktree_prune_options_init",
            git_worktree_prune_options_init(&options, UInt32(GIT_WORKTREE_PRUNE_OPTIONS_VERSION)))
        var flags = GIT_WORKTREE_PRUNE_VALID.rawValue
        if removeFolder { flags |= GIT_WORKTREE_PRUNE_WORKING_TREE.rawValue }
        options.flags = flags
        try check("git_worktree_prune", git_worktree_prune(wt, &options))
    }

    /// The short name of the branch checked out in the work tree at `path` (read from its
    /// HEAD), or nil when detached or unreadable.
    public static func checkedOutBranch(atWorktree path: String) -> String? {
        guard let repo = try? Repository.open(at: path), let name = try? repo.headReferenceName()
        else { return nil }
        return name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : name
    }

    /// Whether local branch `name` (short) is checked out in any worktree, the main one included.
    public func isBranchCheckedOut(_ name: String) throws -> Bool {
        var ref: OpaquePointer?
        let status = git_branch_lookup(&ref, handle, name, GIT_BRANCH_LOCAL)
        if status == GIT_ENOTFOUND.rawValue { return false }
        try check("git_branch_lookup", status)
        defer { git_reference_free(ref) }
        return try check("git_branch_is_checked_out", git_branch_is_checked_out(ref)) == 1
    }
}
