import CSQLiteTuning
import Foundation
import GRDB
import OrchestrateModel

/// The front door to the state database (`<git common dir>/orchestrate/orchestrate.sqlite`):
/// it owns the connection and offers named, transactional operations. No SQL leaves this
/// target.
public final class Store: Sendable {
    /// One connection: every command is single-threaded, and a pool opened a second
    /// connection (and parsed the schema again) for its reads.
    let database: DatabaseQueue
    /// The database file.
    public let path: String
    let clock: @Sendable () -> Date

    /// Opens (creating when needed) the database at `path` in WAL mode and migrates it.
    /// `leaveLogOnClose` is for short processes that write a row or two on every commit (the
    /// git hooks): the write-ahead log is left for the next command to fold in.
    public init(path: String, clock: @escaping @Sendable () -> Date = { Date() }, leaveLogOnClose: Bool = false) throws {
        self.path = path
        self.clock = clock
        var configuration = Configuration()
        // The CLI, hooks and agents write at the same time: wait for each other, never fail
        // at once with SQLITE_BUSY.
        configuration.busyMode = .timeout(15)
        configuration.foreignKeysEnabled = true
        configuration.label = "orchestrate"
        configuration.prepareDatabase { db in
            // WAL mode is kept in the file: this only writes when the database is new. (A
            // DatabasePool, or `journalMode = .wal`, made GRDB commit an empty transaction at
            // every open when no -wal file existed, which is after every process: each read
            // command paid for a commit, fsyncs and a checkpoint; docs/performance.md.)
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                throw DatabaseError(message: "could not use WAL mode for \(path)")
            }
            // A commit appends to the log without an fsync (the log is synced at checkpoints).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A hook leaves the log to the next checkpoint instead of syncing it into the
            // database file and deleting it at close: with the above, a hook run waited for
            // four fsyncs (2–7 ms on a busy disk) for two rows.
            if leaveLogOnClose, let connection = db.sqliteConnection {
                _ = orchestrate_sqlite_skip_checkpoint_on_close(UnsafeMutableRawPointer(connection))
            }
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = Migrations.migrator()
            // One read tells whether there is anything to do: an up-to-date database (every
            // command but the first after an upgrade) is not migrated, which would take the
            // write lock and run DDL.
            let applied = try database.read { try migrator.appliedIdentifiers($0) }
            let known = Set(migrator.migrations)
            if !applied.isSubset(of: known) {
                throw StoreError.newerSchema(path: path)
            }
            if applied != known {
                try migrator.migrate(database)
            }
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }

    @discardableResult
    /// Runs `body` in one write transaction (taken at once, `BEGIN IMMEDIATE`, so that two
    /// processes serialise instead of failing half way). Everything in it lands or nothing does.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try transaction(.immediate, body)
    }

    @discardableResult
    /// Runs `body` in a read-only snapshot.
    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        // A deferred transaction is the snapshot. Not GRDB's `read`: it guards reads with
        // `PRAGMA query_only` on and off, and a flag pragma expires every prepared statement
        // of the connection, so cached statements were compiled again after every read (a
        // quarter of a merge's instructions, docs/performance.md).
        try transaction(.deferred, body)
    }

    private func transaction<T>(_ kind: Database.TransactionKind, _ body: (StoreTransaction) throws -> T) throws -> T {
        let now = clock()
        do {
            return try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(kind) {
                    result = try body(StoreTransaction(db: db, now: now))
                    return .commit
                }
                guard let result else { preconditionFailure("a committed transaction produced its value") }
                return result
            }
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }

    /// The names of the migrations applied, for `doctor`.
    public func appliedMigrations() throws -> [String] {
        try read { tx in try Array(Migrations.migrator().appliedIdentifiers(tx.db)).sorted() }
    }

    /// Whether every known migration has been applied.
    public func isFullyMigrated() throws -> Bool {
        try read { tx in try Migrations.migrator().hasCompletedMigrations(tx.db) }
    }
}

/// A transaction (or read snapshot) on the store; extensions in this target give it named
/// operations. `now` is the one timestamp of the whole transaction.
public struct StoreTransaction {
    let db: Database
    /// The time this transaction started, from the store's clock.
    public let now: Date
}

/// A failure of the state database, phrased for the user.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// Another process held the database past the busy timeout.
    case busy(path: String)
    /// The schema was written by a newer git-orchestrate.
    case newerSchema(path: String)
    /// A constraint of the schema refused the change.
    case constraint(String)
    /// The file (or its folder) may not be read or written by this user.
    case permissionDenied(path: String)
    /// The file is damaged or is not a database at all (SQLITE_CORRUPT, SQLITE_NOTADB).
    case damaged(message: String, path: String)
    /// Any other SQLite failure.
    case sqlite(code: Int32, message: String, path: String)

    init(_ error: DatabaseError, path: String) {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy(path: path)
        case .SQLITE_CONSTRAINT: self = .constraint(error.message ?? "\(error)")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH
        where access(path, R_OK | W_OK) != 0 && errno == EACCES
            || access((path as NSString).deletingLastPathComponent, W_OK | X_OK) != 0 && errno == EACCES:
            self = .permissionDenied(path: path)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: self = .damaged(message: error.message ?? "\(error)", path: path)
        default:
            self = .sqlite(
                code: error.extendedResultCode.rawValue, message: error.message ?? "\(error)",
                path: path)
        }
    }

    public var description: String {
        switch self {
        case .busy(let path):
            return "the state database \(path) stayed locked by another process for 15 seconds; retry when it has finished"
        case .newerSchema(let path):
            return "the state database \(path) was written by a newer git-orchestrate; upgrade git-orchestrate to use it"
        case .constraint(let message):
            return "the state database refused the change (\(message))"
        case .permissionDenied(let path):
            return "permission denied: \(path) (or its folder) cannot be read and written by this user; fix the permissions (`ls -l \(path)`) or run as its owner"
        case .damaged(let message, let path):
            return "the state database \(path) is damaged (\(message)); run `git orchestrate doctor` to see what is damaged and how to recover it"
        case .sqlite(_, let message, let path):
            return "the state database \(path) failed: \(message); run `git orchestrate doctor`"
        }
    }
}
