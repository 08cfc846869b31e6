import Foundation
import OrchestrateModel
import OrchestrateTestSupport
@testable import OrchestrateCore
@testable import OrchestrateGit
@testable import OrchestrateStore
import Testing

/// The read commands with many tasks, after their queries changed shape (one approvals query,
/// one ref pass, one read of the active tasks, task objects written without dictionaries):
/// checked against an oracle computed here from what was inserted.
@Suite("read paths with many tasks")
struct ReadPathTests {
    @Test("status and merge give the merge order of the oracle: dependencies, priority, newest approval, age")
    func mergeOrder() throws {
        let repo = try TestRepo(initialize: true)
        let data = try ManyTasks.insert(into: repo, count: 240)
        let expected = data.oracleMergeOrder()
        #expect(expected.count > 60)
        let status = try #require(try TestRepo.json(repo.orchestrateOK("status", "--format", "json")) as? [String: Any])
        #expect(status["mergeOrder"] as? [String] == expected)
        #expect(try repo.orchestrateOK("status").contains("merge order: " + expected.joined(separator: " → ")))
        // The merge buffer's own path (all tasks, then the approvals query).
        let orchestrator = try Orchestrator.open(
            Context(environment: repo.environment, clock: { Date() }, stdout: { _ in }, stderr: { _ in }),
            repository: Repository.open(at: repo.path))
        #expect(try orchestrator.plannedMergeOrder().map(\.rawValue) == expected)
    }

    @Test("list --format json gives every task with its dependencies, as status renders the same tasks")
    func listDependencies() throws {
        let repo = try TestRepo(initialize: true)
        let data = try ManyTasks.insert(into: repo, count: 240)
        let listed = try #require(try TestRepo.json(repo.orchestrateOK("list", "--format", "json")) as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == data.tasks.map(\.id.rawValue))
        for (object, task) in zip(listed, data.tasks) {
            #expect(object["dependsOn"] as? [String] == task.dependsOn.map(\.rawValue).sorted())
            #expect(object["state"] as? String == task.state.rawValue)
            #expect(object["priority"] as? String == task.priority.name)
            #expect(object.count == 18)
        }
        // `status` renders its active tasks through the dictionary path: the same objects.
        let status = try #require(try TestRepo.json(repo.orchestrateOK("status", "--format", "json")) as? [String: Any])
        let active = try #require(status["active"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: listed.map { ($0["id"] as? String ?? "", $0 as NSDictionary) })
        #expect(active.count == data.tasks.filter { !$0.state.isFinished }.count)
        for object in active {
            #expect(byID[object["id"] as? String ?? ""] == object as NSDictionary)
        }
    }

    @Test("status notices branches moved without hooks, packed or loose, in one pass over the refs")
    func scanPackedAndLoose() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        try repo.orchestrateOK("add", "Two")
        let one = try repo.orchestrateOK("start", "T1")
        let two = try repo.orchestrateOK("start", "T2")
        try repo.git("-c", "core.hooksPath=/nonexistent", "commit", "-q", "--allow-empty", "-m", "packed", in: one)
        try repo.git("-c", "core.hooksPath=/nonexistent", "pack-refs", "--all")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/refs/heads/orchestrate/T1"))
        try repo.git("-c", "core.hooksPath=/nonexistent", "commit", "-q", "--allow-empty", "-m", "loose", in: two)
        try repo.orchestrateOK("status")
        for (id, worktree) in [("T1", one), ("T2", two)] {
            let progress = try GateFixture.events(repo, task: id).filter { $0["kind"] as? String == "progress" }
            #expect(progress.map { $0["oid"] as? String } == [try repo.revParse("HEAD", in: worktree)])
            #expect((progress.first?["detail"] as? [String: Any])?["source"] as? String == "scan")
        }
    }

    @Test("the newest run of every task, with hundreds of runs decoded by column position")
    func latestRuns() throws {
        let repo = try TestRepo(initialize: true)
        let data = try ManyTasks.insert(into: repo, count: 60)
        let store = try Store(path: repo.path + "/.git/orchestrate/orchestrate.sqlite")
        var random = SeededRandom(seed: 3)
        var newest: [TaskID: Int64] = [:]
        var attempts: [TaskID: Int] = [:]
        try store.write { tx in
            for _ in 0..<300 {
                let task = data.tasks[random.next(data.tasks.count)].id
                let attempt = (attempts[task] ?? 0) + 1
                attempts[task] = attempt
                let run = try tx.insertRun(
                    task: task, attempt: attempt, command: ["agent", "--try", "\(attempt)"], supervisorPid: 1,
                    logPath: "/tmp/run.log", detail: ["n": .int(Int64(attempt))])
                newest[task] = run.id
            }
        }
        let latest = try store.read { try $0.latestRuns() }
        #expect(latest.mapValues(\.id) == newest)
        #expect(latest.values.allSatisfy { $0.command == ["agent", "--try", "\($0.attempt)"] && $0.attempt == attempts[$0.task] })
        let open = try store.read { try $0.openRuns() }
        #expect(open.count == 300 && open.map(\.id) == open.map(\.id).sorted())
    }

    @Test("read commands leave the database file as it was and no WAL files behind")
    func readsDoNotWrite() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        let folder = repo.path + "/.git/orchestrate"
        let before = try Data(contentsOf: URL(fileURLWithPath: folder + "/orchestrate.sqlite"))
        for args in [["list"], ["list", "--format", "json"], ["status"], ["show", "T1"]] {
            _ = try repo.orchestrateArgs(args)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/orchestrate.sqlite")) == before)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!left.contains { $0.hasSuffix("-wal") || $0.hasSuffix("-shm") })
        #expect(try repo.orchestrateOK("list").contains("One"))
    }
}

/// Tasks inserted straight into the real schema (as the benchmark does): random states,
/// priorities, dependencies on earlier tasks and approvals, from a fixed seed.
struct ManyTasks {
    var tasks: [TaskRecord] = []
    var newestApproval: [TaskID: Date] = [:]

    static func insert(into repo: TestRepo, count: Int) throws -> ManyTasks {
        var random = SeededRandom(seed: 7)
        let store = try Store(path: repo.path + "/.git/orchestrate/orchestrate.sqlite")
        var data = ManyTasks()
        let states: [TaskState] = [.approved, .approved, .approved, .submitted, .queued, .merged, .running]
        try store.write { tx in
            for i in 0..<count {
                let id = try #require(TaskID("D\(i)"))
                var deps = Set<TaskID>()
                for _ in 0..<random.next(3) where i > 0 { deps.insert(data.tasks[random.next(i)].id) }
                let task = try tx.insertTask(TaskRecord(
                    id: id, title: "task \(i) \"quoted\"", priority: TaskPriority(rawValue: random.next(4)) ?? .normal,
                    state: states[random.next(states.count)], dependsOn: Array(deps), branch: "orchestrate/D\(i)",
                    createdAt: Date(), updatedAt: Date()))
                data.tasks.append(task)
                for a in 0..<random.next(3) {
                    // Whole seconds from a small range: equal times across tasks happen.
                    let time = Date(timeIntervalSince1970: 1_800_000_000 + Double(random.next(40)))
                    let event = try tx.appendAudit(NewAuditEvent(kind: .approved, task: id, actor: "reviewer"))
                    let hex = String(i * 8 + a, radix: 16)
                    let oid = String(repeating: "0", count: 40 - hex.count) + hex
                    try tx.insertApproval(
                        ApprovalRecord(
                            oid: oid, approver: "r\(a)", task: id, tree: oid, patchId: oid, base: oid, time: time,
                            comment: nil),
                        auditSeq: event.seq)
                    data.newestApproval[id] = max(data.newestApproval[id] ?? time, time)
                }
            }
        }
        return data
    }

    /// The merge order by its definition: repeatedly the best approved task whose approved
    /// dependencies are placed (higher priority, then earlier newest approval, then older).
    func oracleMergeOrder() -> [String] {
        var left = tasks.filter { $0.state == .approved }
        let approved = Set(left.map(\.id))
        var placed = Set<TaskID>()
        var order: [String] = []
        while !left.isEmpty {
            let ready = left.filter { $0.dependsOn.allSatisfy { !approved.contains($0) || placed.contains($0) } }
            guard let best = ready.min(by: { x, y in
                if x.priority != y.priority { return x.priority > y.priority }
                let (tx, ty) = (newestApproval[x.id] ?? .distantFuture, newestApproval[y.id] ?? .distantFuture)
                return tx != ty ? tx < ty : x.seq < y.seq
            }) else { break }
            order.append(best.id.rawValue)
            placed.insert(best.id)
            left.removeAll { $0.id == best.id }
        }
        return order
    }
}

/// A small deterministic generator (SplitMix64), so that a failure can be replayed.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(max(bound, 1)))
    }
}
