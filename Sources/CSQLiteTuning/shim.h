// sqlite3_db_config is variadic, which Swift cannot call: the settings git-orchestrate needs,
// as plain functions. The connection is passed untyped (GRDB's `Database.sqliteConnection`),
// so that no SQLite type is declared twice next to GRDB's own module.
#include <sqlite3.h>

/// Leaves the write-ahead log in place when this connection closes, uncheckpointed: a short
/// process that wrote a few rows (a git hook) then does not wait for two fsyncs and the
/// deletion of the log. The next connection reads the log as usual; a later checkpoint
/// (automatic after 1,000 pages, or when a connection that checkpoints closes) moves it into
/// the database file. Returns an SQLite result code.
static inline int orchestrate_sqlite_skip_checkpoint_on_close(void *connection) {
#ifdef SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE
    return sqlite3_db_config((sqlite3 *)connection, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
#else
    return SQLITE_OK;
#endif
}
