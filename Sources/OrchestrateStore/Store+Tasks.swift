import Foundation
import GRDB
import OrchestrateModel

extension StoreTransaction {
    /// The task with this id, or nil.
    public func task(_ id: TaskID) throws -> TaskRecord? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM tasks WHERE id = ?"), arguments: [id.rawValue])
        else { return nil }
        return try TaskRecord(row: row, dependsOn: dependencies(of: id))
    }

    /// Tasks, optionally only those in `states`, in creation order.
    public func tasks(in states: [TaskState]? = nil) throws -> [TaskRecord] {
        var sql = "SELECT * FROM tasks"
        var arguments = StatementArguments()
        let filtered = states.map { !$0.isEmpty } ?? false
        if let states, filtered {
            // Found through the state index and sorted here: `ORDER BY seq` made SQLite copy
            // every selected row into a temporary B-tree to sort it (docs/performance.md).
            sql += " WHERE state IN (\(databaseQuestionMarks(count: states.count)))"
            arguments = StatementArguments(states.map(\.rawValue))
        } else {
            sql += " ORDER BY seq"
        }
        let deps = try allDependencies()
        var result: [TaskRecord] = []
        var columns: TaskColumns?
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let c = try columns ?? TaskColumns(row)
            columns = c
            let id: String = row[c.id]
            result.append(try TaskRecord(row: row, columns: c, dependsOn: deps[id] ?? []))
        }
        if filtered { result.sort { $0.seq < $1.seq } }
        return result
    }

    /// The id, branch and recorded head of the tasks in `states`, in creation order: what the
    /// head scan compares, without decoding whole task rows.
    public func taskHeads(in states: [TaskState]) throws -> [(id: TaskID, branch: String, head: String?)] {
        guard !states.isEmpty else { return [] }
        var result: [(seq: Int64, id: TaskID, branch: String, head: String?)] = []
        // Sorted here, not with `ORDER BY seq` (see `tasks(in:)`).
        let rows = try Row.fetchCursor(
            db, sql: "SELECT seq, id, branch, head FROM tasks WHERE state IN (\(databaseQuestionMarks(count: states.count)))",
            arguments: StatementArguments(states.map(\.rawValue)))
        while let row = try rows.next() {
            let idText: String = row[1]
            guard let id = TaskID(idText) else { throw StoreError.constraint("task row \(idText) holds an invalid id") }
            result.append((row[0], id, row[2], row[3]))
        }
        return result.sorted { $0.seq < $1.seq }.map { ($0.id, $0.branch, $0.head) }
    }

    /// How many tasks there are in each state.
    public func taskCountsByState() throws -> [TaskState: Int] {
        var counts: [TaskState: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM tasks GROUP BY state") {
            if let state = TaskState(rawValue: row["state"]) { counts[state] = row["n"] }
        }
        return counts
    }

    /// The ids of the tasks that depend directly on `id`.
    public func dependents(of id: TaskID) throws -> [TaskID] {
        try String.fetchAll(
            db, sql: "SELECT task FROM task_dependencies WHERE dependsOn = ? ORDER BY task",
            arguments: [id.rawValue]
        ).compactMap(TaskID.init)
    }

    /// The dependency edges of every task, keyed by task id.
    public func allDependencies() throws -> [String: [TaskID]] {
        var result: [String: [TaskID]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT task, dependsOn FROM task_dependencies ORDER BY task, dependsOn")
        while let row = try rows.next() {
            let task: String = row[0]
            if let dep = TaskID(row[1] as String) { result[task, default: []].append(dep) }
        }
        return result
    }

    /// The next free default id (`T1`, `T2`, …): one past the highest number in use.
    public func nextDefaultID() throws -> TaskID {
        let ids = try String.fetchAll(db, sql: "SELECT id FROM tasks WHERE id GLOB 'T[0-9]*'")
        let highest = ids.compactMap { TaskID($0)?.defaultNumber }.max() ?? 0
        guard let id = TaskID("T\(highest + 1)") else { preconditionFailure("T<n> is a valid id") }
        return id
    }

    /// Inserts a new task with its dependencies; fills in `seq`, `createdAt` and `updatedAt`.
    @discardableResult
    public func insertTask(_ task: TaskRecord) throws -> TaskRecord {
        var task = task
        task.seq = (try Int64.fetchOne(db, sql: "SELECT max(seq) FROM tasks") ?? 0) + 1
        task.createdAt = now
        task.updatedAt = now
        try db.execute(
            sql: """
                INSERT INTO tasks (id, seq, title, description, priority, state, branch, worktree,
                    base, head, submittedHead, attempts, paths, claimedBy, feedback, stacked,
                    createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: task.columnValues)
        for dep in task.dependsOn {
            try db.execute(
                sql: "INSERT INTO task_dependencies (task, dependsOn) VALUES (?, ?)",
                arguments: [task.id.rawValue, dep.rawValue])
        }
        return task
    }

    /// Writes every field of an existing task (dependencies excepted); sets `updatedAt`.
    @discardableResult
    public func updateTask(_ task: TaskRecord) throws -> TaskRecord {
        var task = task
        task.updatedAt = now
        try db.cachedStatement(
            sql: """
                UPDATE tasks SET title = ?, description = ?, priority = ?, state = ?, branch = ?,
                    worktree = ?, base = ?, head = ?, submittedHead = ?, attempts = ?, paths = ?,
                    claimedBy = ?, feedback = ?, stacked = ?, updatedAt = ?
                WHERE id = ?
                """
        ).execute(
            arguments: [
                task.title, task.description, task.priority.rawValue, task.state.rawValue,
                task.branch, task.worktree, task.base, task.head, task.submittedHead,
                task.attempts, encodePaths(task.paths), task.claimedBy, task.feedback,
                task.stacked, Timestamp.format(task.updatedAt), task.id.rawValue,
            ])
        guard db.changesCount == 1 else { throw StoreError.constraint("no task \(task.id)") }
        return task
    }

    func dependencies(of id: TaskID) throws -> [TaskID] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT dependsOn FROM task_dependencies WHERE task = ? ORDER BY dependsOn"),
            arguments: [id.rawValue]
        ).compactMap(TaskID.init)
    }
}

func encodePaths(_ paths: [String]) -> String { JSONValue.array(paths.map(JSONValue.string)).canonicalText }

/// The position of each column of a row, by name, found once (GRDB's `row["name"]` searches
/// case-insensitively on every call).
struct ColumnPositions {
    private var positions: [String: Int] = [:]
    private let what: String

    init(_ row: Row, of what: String) {
        self.what = what
        for (index, name) in row.columnNames.enumerated() where positions[name] == nil {
            positions[name] = index
        }
    }

    func index(of name: String) throws -> Int {
        guard let index = positions[name] else {
            throw StoreError.constraint("a \(what) query did not select the column \(name)")
        }
        return index
    }
}

/// Where each task column sits in a row. GRDB's `row["name"]` searches the columns case-
/// insensitively on every call (lowercasing names each time), which dominated reading 10,000
/// tasks; a bulk read finds the positions once and decodes by index (docs/performance.md).
struct TaskColumns {
    let id, seq, title, description, priority, state, branch, worktree, base, head: Int
    let submittedHead, attempts, paths, claimedBy, feedback, stacked, createdAt, updatedAt: Int

    init(_ row: Row) throws {
        let at = ColumnPositions(row, of: "task").index(of:)
        id = try at("id"); seq = try at("seq"); title = try at("title")
        description = try at("description"); priority = try at("priority"); state = try at("state")
        branch = try at("branch"); worktree = try at("worktree"); base = try at("base")
        head = try at("head"); submittedHead = try at("submittedHead"); attempts = try at("attempts")
        paths = try at("paths"); claimedBy = try at("claimedBy"); feedback = try at("feedback")
        stacked = try at("stacked"); createdAt = try at("createdAt"); updatedAt = try at("updatedAt")
    }
}

extension TaskRecord {
    init(row: Row, dependsOn: [TaskID]) throws {
        try self.init(row: row, columns: TaskColumns(row), dependsOn: dependsOn)
    }

    init(row: Row, columns c: TaskColumns, dependsOn: [TaskID]) throws {
        let idText: String = row[c.id]
        guard let id = TaskID(idText),
            let state = TaskState(rawValue: row[c.state]),
            let priority = TaskPriority(rawValue: row[c.priority])
        else { throw StoreError.constraint("task row \(idText) holds an invalid id, state or priority") }
        let pathsText: String = row[c.paths]
        // Without JSONDecoder where the text allows (it dominated reading many rows).
        let paths =
            JSONValue.parseStringArray(pathsText)
            ?? (try? JSONValue.parse(pathsText))?.arrayValue?.compactMap(\.stringValue) ?? []
        self.init(
            id: id, seq: row[c.seq], title: row[c.title], description: row[c.description],
            priority: priority, state: state, dependsOn: dependsOn, branch: row[c.branch],
            worktree: row[c.worktree], base: row[c.base], head: row[c.head],
            submittedHead: row[c.submittedHead], attempts: row[c.attempts], paths: paths,
            claimedBy: row[c.claimedBy], feedback: row[c.feedback], stacked: row[c.stacked],
            createdAt: Timestamp.parse(row[c.createdAt]) ?? Date(timeIntervalSince1970: 0),
            updatedAt: Timestamp.parse(row[c.updatedAt]) ?? Date(timeIntervalSince1970: 0))
    }

    var columnValues: StatementArguments {
        [
            id.rawValue, seq, title, description, priority.rawValue, state.rawValue, branch,
            worktree, base, head, submittedHead, attempts, encodePaths(paths), claimedBy, feedback,
            stacked, Timestamp.format(createdAt), Timestamp.format(updatedAt),
        ]
    }
}
