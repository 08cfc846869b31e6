import Foundation
import GRDB
import OrchestrateModel

/// What is written when an agent run ends.
public struct RunEnding: Sendable {
    public var outcome: RunOutcome
    public var exitStatus: Int32?
    public var signal: Int32?
    public var detail: [String: JSONValue]

    public init(outcome: RunOutcome, exitStatus: Int32? = nil, signal: Int32? = nil, detail: [String: JSONValue] = [:]) {
        self.outcome = outcome
        self.exitStatus = exitStatus
        self.signal = signal
        self.detail = detail
    }
}

extension StoreTransaction {
    /// Inserts a new open run of `task` with the next attempt number, heartbeat now.
    public func insertRun(
        task: TaskID, attempt: Int, command: [String], supervisorPid: Int32, logPath: String,
        detail: [String: JSONValue]
    ) throws -> RunRecord {
        let now = Timestamp.format(self.now)
        try db.execute(
            sql: """
                INSERT INTO runs (task, attempt, command, supervisorPid, startedAt, heartbeatAt, logPath, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                task.rawValue, attempt, encodePaths(command), supervisorPid, now, now, logPath,
                JSONValue.object(detail).canonicalText,
            ])
        guard let run = try run(id: db.lastInsertedRowID) else {
            preconditionFailure("the row just inserted can be read back in the same transaction")
        }
        return run
    }

    /// The run with this row id.
    public func run(id: Int64) throws -> RunRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map { try RunRecord(row: $0) }
    }

    /// The highest attempt number recorded for `task` (0 when it never ran).
    public func lastAttempt(of task: TaskID) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT max(attempt) FROM runs WHERE task = ?", arguments: [task.rawValue]) ?? 0
    }

    /// Records the agent's process once it has been spawned, and the argv it got.
    public func setRunProcess(id: Int64, pid: Int32, startTime: String?, command: [String]) throws {
        try db.execute(
            sql: "UPDATE runs SET pid = ?, pidStartTime = ?, command = ? WHERE id = ?",
            arguments: [pid, startTime, encodePaths(command), id])
    }

    /// Refreshes the heartbeat of the open runs among `ids`.
    public func heartbeatRuns(ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try db.execute(
            sql: "UPDATE runs SET heartbeatAt = ? WHERE endedAt IS NULL AND id IN (\(databaseQuestionMarks(count: ids.count)))",
            arguments: StatementArguments([Timestamp.format(now)] as [String]) + StatementArguments(ids))
    }

    /// Refreshes the heartbeat of the task's open run; returns that run, or nil when none is
    /// open.
    public func heartbeatOpenRun(of task: TaskID) throws -> RunRecord? {
        guard let open = try openRun(of: task) else { return nil }
        try heartbeatRuns(ids: [open.id])
        return try run(id: open.id)
    }

    /// Ends an open run. Returns the finished run, or nil when it had already ended (another
    /// process reaped it first): only one caller ever finishes a run.
    @discardableResult
    public func finishRun(id: Int64, _ ending: RunEnding) throws -> RunRecord? {
        guard let current = try run(id: id), current.isOpen else { return nil }
        var detail = current.detailObject
        for (key, value) in ending.detail { detail[key] = value }
        try db.execute(
            sql: """
                UPDATE runs SET endedAt = ?, outcome = ?, exitStatus = ?, signal = ?, detail = ?
                WHERE id = ? AND endedAt IS NULL
                """,
            arguments: [
                Timestamp.format(now), ending.outcome.rawValue, ending.exitStatus, ending.signal,
                JSONValue.object(detail).canonicalText, id,
            ])
        guard db.changesCount == 1 else { return nil }
        return try run(id: id)
    }

    /// Every run that has not ended, oldest first.
    public func openRuns() throws -> [RunRecord] {
        try fetchRuns("SELECT * FROM runs WHERE endedAt IS NULL ORDER BY id")
    }

    /// The task's open run, if any (the newest, should there be more than one).
    public func openRun(of task: TaskID) throws -> RunRecord? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM runs WHERE task = ? AND endedAt IS NULL ORDER BY id DESC LIMIT 1",
            arguments: [task.rawValue]
        ).map { try RunRecord(row: $0) }
    }

    /// Every run of `task`, oldest first.
    public func runs(of task: TaskID) throws -> [RunRecord] {
        try fetchRuns("SELECT * FROM runs WHERE task = ? ORDER BY attempt, id", arguments: [task.rawValue])
    }

    /// The newest run of every task that has one, keyed by task id.
    public func latestRuns() throws -> [TaskID: RunRecord] {
        // One pass over the (task, attempt) index for the newest id of each task, not a
        // subquery per run (`status` asks for this with thousands of runs).
        let runs = try fetchRuns("SELECT * FROM runs WHERE id IN (SELECT max(id) FROM runs GROUP BY task)")
        var result: [TaskID: RunRecord] = [:]
        for run in runs { result[run.task] = run }
        return result
    }

    /// Runs decoded by column position, found once per query: `row["name"]` searched the
    /// columns by lowercased name on every call (as for tasks; docs/performance.md).
    func fetchRuns(_ sql: String, arguments: StatementArguments = StatementArguments()) throws -> [RunRecord] {
        var result: [RunRecord] = []
        var columns: RunColumns?
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let c = try columns ?? RunColumns(row)
            columns = c
            result.append(try RunRecord(row: row, columns: c))
        }
        return result
    }
}

extension RunRecord {
    init(row: Row) throws {
        try self.init(row: row, columns: RunColumns(row))
    }

    init(row: Row, columns c: RunColumns) throws {
        let commandText: String = row[c.command]
        let command =
            JSONValue.parseStringArray(commandText)
            ?? (try? JSONValue.parse(commandText))?.arrayValue?.compactMap(\.stringValue) ?? []
        let taskText: String = row[c.task]
        guard let task = TaskID(taskText) else { throw StoreError.constraint("run row names an invalid task id \(taskText)") }
        let started: String = row[c.startedAt]
        let heartbeat: String = row[c.heartbeatAt]
        let ended: String? = row[c.endedAt]
        let outcome: String? = row[c.outcome]
        self.init(
            id: row[c.id],
            task: task, attempt: row[c.attempt], command: command,
            pid: row[c.pid], pidStartTime: row[c.pidStartTime], supervisorPid: row[c.supervisorPid],
            startedAt: Timestamp.parse(started) ?? Date(timeIntervalSince1970: 0),
            heartbeatAt: Timestamp.parse(heartbeat) ?? Date(timeIntervalSince1970: 0),
            endedAt: ended.flatMap(Timestamp.parse), outcome: outcome.flatMap(RunOutcome.init(rawValue:)),
            exitStatus: row[c.exitStatus], signal: row[c.signal], logPath: row[c.logPath], detail: row[c.detail])
    }
}

/// Where each run column sits in a row (see `TaskColumns`).
struct RunColumns {
    let id, task, attempt, command, pid, pidStartTime, supervisorPid, startedAt, heartbeatAt: Int
    let endedAt, outcome, exitStatus, signal, logPath, detail: Int

    init(_ row: Row) throws {
        let at = ColumnPositions(row, of: "run").index(of:)
        id = try at("id"); task = try at("task"); attempt = try at("attempt"); command = try at("command")
        pid = try at("pid"); pidStartTime = try at("pidStartTime"); supervisorPid = try at("supervisorPid")
        startedAt = try at("startedAt"); heartbeatAt = try at("heartbeatAt"); endedAt = try at("endedAt")
        outcome = try at("outcome"); exitStatus = try at("exitStatus"); signal = try at("signal")
        logPath = try at("logPath"); detail = try at("detail")
    }
}
