#ifndef ORCHESTRATE_CLIBGIT2_SHIM_H
#define ORCHESTRATE_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>

/* git_libgit2_opts is variadic and does not import into Swift: wrap the calls we need. */
static inline int orchestrate_git_disable_strict_hash_verification(void) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}
/* git's safe.directory check is made by git itself (OrchestrateCore's Ownership): libgit2
   reads safe.directory from ~/.gitconfig only. */
static inline int orchestrate_git_disable_owner_validation(void) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}
/* `hooks install` turns on extensions.worktreeConfig (per-worktree core.hooksPath); libgit2 1.5
   refuses a repository of format version 1 naming an extension it was not told it may ignore.
   It does not read config.worktree: the one key we put there is handled by OrchestrateCore. */
static inline int orchestrate_git_allow_worktree_config(void) {
    const char *extensions[] = { "worktreeconfig" };
    return git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, (size_t)1);
}
static inline int orchestrate_git_disable_fsync(void) {
    return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
}
#endif
