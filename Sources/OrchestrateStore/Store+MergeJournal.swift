import Foundation
import GRDB
import OrchestrateModel

/// A row of the merge buffer's journal: the intent to move the target from `oldTip` to
/// `newTip` for a task, written before the ref moves.
public struct MergeJournalEntry: Sendable, Equatable {
    public var id: Int64
    public var task: TaskID
    public var target: String
    public var oldTip: String
    public var newTip: String
    /// Everything needed to finish the landing's records (JSON object).
    public var payload: JSONValue
    public var state: String
}

/// One landing (or revert) of a task on the target.
public struct LandingRecord: Sendable, Equatable {
    public var id: Int64
    public var task: TaskID
    public var kind: String
    public var target: String
    public var oldTip: String
    public var newTip: String
    /// `[{"source": oid, "landed": oid}]`.
    public var commits: JSONValue
    public var time: Date
}

extension StoreTransaction {
    /// Journals the intent to move `target` from `oldTip` to `newTip`; returns the row id.
    public func insertMergeJournal(task: TaskID, target: String, oldTip: String, newTip: String, payload: JSONValue) throws -> Int64 {
        try db.cachedStatement(
            sql: "INSERT INTO merge_journal (task, target, oldTip, newTip, payload, state, createdAt) VALUES (?, ?, ?, ?, ?, 'pending', ?)"
        ).execute(arguments: [task.rawValue, target, oldTip, newTip, payload.canonicalText, Timestamp.format(now)])
        return db.lastInsertedRowID
    }

    /// The journal rows whose landing was never confirmed, oldest first.
    public func pendingMergeJournal() throws -> [MergeJournalEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM merge_journal WHERE state = 'pending' ORDER BY id").compactMap(MergeJournalEntry.init(row:))
    }

    /// Marks a journal row `done` or `abandoned`.
    public func setMergeJournalState(_ id: Int64, _ state: String) throws {
        try db.cachedStatement(sql: "UPDATE merge_journal SET state = ? WHERE id = ?").execute(arguments: [state, id])
    }

    /// Notes that the checkouts of the target still owe journal row `journal`'s move.
    public func insertCheckoutUpdate(journal: Int64) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO checkout_updates (journal) VALUES (?)").execute(arguments: [journal])
    }

    /// The moves of the target still owed to its checkouts, oldest first.
    public func pendingCheckoutUpdates() throws -> [MergeJournalEntry] {
        try Row.fetchAll(
            db, sql: "SELECT merge_journal.* FROM checkout_updates JOIN merge_journal ON merge_journal.id = checkout_updates.journal ORDER BY merge_journal.id"
        ).compactMap(MergeJournalEntry.init(row:))
    }

    /// The checkouts caught up with these journal rows.
    public func clearCheckoutUpdates(_ journals: [Int64]) throws {
        for journal in journals {
            try db.execute(sql: "DELETE FROM checkout_updates WHERE journal = ?", arguments: [journal])
        }
    }

    /// Records a landing (or revert) of a task.
    @discardableResult
    public func insertLanding(task: TaskID, kind: String, target: String, oldTip: String, newTip: String, commits: JSONValue) throws -> Int64 {
        try db.cachedStatement(
            sql: "INSERT INTO landings (task, kind, target, oldTip, newTip, commits, time) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [task.rawValue, kind, target, oldTip, newTip, commits.canonicalText, Timestamp.format(now)])
        return db.lastInsertedRowID
    }

    /// The landings and reverts of task `id`, oldest first.
    public func landings(ofTask id: TaskID) throws -> [LandingRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM landings WHERE task = ? ORDER BY id"), arguments: [id.rawValue]).compactMap(LandingRecord.init(row:))
    }

    /// Every landing (kind `landed`), oldest first.
    public func allLandings() throws -> [LandingRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM landings ORDER BY id").compactMap(LandingRecord.init(row:))
    }
}

extension MergeJournalEntry {
    init?(row: Row) {
        guard let task = TaskID(row["task"] as String) else { return nil }
        self.init(
            id: row["id"], task: task, target: row["target"], oldTip: row["oldTip"], newTip: row["newTip"],
            payload: (try? JSONValue.parse(row["payload"] as String)) ?? .object([:]), state: row["state"])
    }
}

extension LandingRecord {
    init?(row: Row) {
        guard let task = TaskID(row["task"] as String) else { return nil }
        self.init(
            id: row["id"], task: task, kind: row["kind"], target: row["target"], oldTip: row["oldTip"],
            newTip: row["newTip"], commits: (try? JSONValue.parse(row["commits"] as String)) ?? .array([]),
            time: Timestamp.parse(row["time"]) ?? Date(timeIntervalSince1970: 0))
    }
}
