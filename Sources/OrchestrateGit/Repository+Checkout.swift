import CLibgit2

extension Repository {
    /// Writes the files of `commit`'s tree into this work tree, leaving HEAD, the branch and
    /// the index alone: paths that differ from the index show up as uncommitted changes (new
    /// files as untracked), as they were before a snapshot (`snapshotWorkTree`) recorded them.
    /// Files the tree does not hold but HEAD does are removed.
    public func checkoutFilesOnly(of commit: ObjectID) throws {
        let target = try lookupCommit(commit)
        defer { git_commit_free(target) }
        var options = git_checkout_options()
        try check(
            "git_checkout_options_init",
            git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_DONT_UPDATE_INDEX.rawValue
        try check("git_checkout_tree", git_checkout_tree(handle, target, &options))
    }

    /// Brings this work tree and index from `old` to `new` for `paths` only, like
    /// `git merge --ff-only` would: a file is changed only when it still matches `old`; local
    /// changes elsewhere are kept. Throws `GitError.Code.conflict` (nothing changed) when a
    /// local change is in the way.
    public func checkoutPaths(from old: ObjectID, to new: ObjectID, paths: [String]) throws {
        guard !paths.isEmpty else { return }
        let oldTree = try lookupTree(ofCommit: old)
        defer { git_tree_free(oldTree) }
        let target = try lookupCommit(new)
        defer { git_commit_free(target) }
        var options = git_checkout_options()
        try check("git_checkout_options_init", git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)))
        options.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH.rawValue
        options.baseline = oldTree
        try withStrArray(paths) { spec in
            options.paths = spec
            try check("git_checkout_tree", git_checkout_tree(handle, target, &options))
        }
    }
}
