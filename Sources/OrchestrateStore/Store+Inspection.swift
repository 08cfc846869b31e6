import Foundation
import GRDB

/// What `doctor` finds when it looks at the database file itself, before trusting it.
public enum DatabaseCondition: Sendable, Equatable {
    /// There is no file at all.
    case missing
    /// The file exists and holds no bytes (no schema, no tasks).
    case empty
    /// SQLite cannot read it as a database (a foreign file, a damaged header).
    case unreadable(String)
    /// SQLite reads it, but its own consistency check fails: the messages of
    /// `PRAGMA integrity_check`, at most 10.
    case damaged([String])
    /// The consistency check passes.
    case sound
}

extension Store {
    /// Looks at the database at `path` without creating, migrating or writing it: opened
    /// read-only, checked with `PRAGMA integrity_check` (every page, every index against its
    /// table; a second or two for a large history, which `doctor` can afford).
    public static func inspect(path: String) -> DatabaseCondition {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return .missing }
        if (attributes[.size] as? NSNumber)?.intValue == 0 {
            // A 0-byte file with a write-ahead log beside it may still hold committed rows.
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber
            if (wal?.intValue ?? 0) == 0 { return .empty }
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(15)
        configuration.label = "orchestrate-inspect"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let messages = try queue.read { db in
                try String.fetchAll(db, sql: "PRAGMA integrity_check(10)")
            }
            if messages == ["ok"] { return .sound }
            return .damaged(messages)
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_CORRUPT: return .damaged([error.message ?? "database disk image is malformed"])
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .sound  // in use by a writer: not a finding
            default: return .unreadable(error.message ?? "\(error)")
            }
        } catch {
            return .unreadable("\(error)")
        }
    }

    /// Whether the database holds no task and no audit event: freshly created, or replaced.
    public func isEmptyOfHistory() throws -> Bool {
        try read { tx in
            let tasks = try Int.fetchOne(tx.db, sql: "SELECT COUNT(*) FROM tasks") ?? 0
            let events = try Int.fetchOne(tx.db, sql: "SELECT COUNT(*) FROM audit_events WHERE kind <> 'initialized'") ?? 0
            return tasks == 0 && events == 0
        }
    }
}
