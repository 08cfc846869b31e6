import Foundation
import OrchestrateTestSupport
import Testing

/// Batches, bisection and parallel check slots, with real check scripts that record the tree
/// they checked (outside the repository) and fail when the tree holds a file named BROKEN.
@Suite("merge buffer batches")
struct BatchMergeTests {
    /// Configures a check that logs `<tree> <pass|fail> <ORCHESTRATE_TASKS>` per run into
    /// `<scratch>/checked`, sleeping `sleep` seconds first.
    static func recordingCheck(_ repo: TestRepo, batchSize: Int, parallel: Int, sleep: String = "0", extra: String = "", retries: Int = 0) throws {
        let log = repo.scratch + "/checked"
        let script = repo.scratch + "/check.sh"
        try Data("""
            #!/bin/sh
            \(extra)
            sleep \(sleep)
            tree=$(git rev-parse 'HEAD^{tree}')
            if [ -f BROKEN ]; then echo "$tree fail $ORCHESTRATE_TASKS" >> \(log); echo "BROKEN is here"; exit 1; fi
            echo "$tree pass $ORCHESTRATE_TASKS" >> \(log)
            """.utf8).write(to: URL(fileURLWithPath: script))
        chmod(script, 0o755)
        try repo.commitConfig(
            #"{"merge": {"batchSize": \#(batchSize), "parallelChecks": \#(parallel)}, "checks": [{"name": "suite", "command": ["\#(script)"], "retries": \#(retries)}]}"#,
            message: "recording check")
    }

    /// The check runs logged: (tree, passed).
    static func checked(_ repo: TestRepo) -> [(tree: String, passed: Bool)] {
        (repo.read("checked", in: repo.scratch) ?? "").split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return (String(parts[0]), parts.count > 1 && parts[1] == "pass")
        }
    }

    /// Every position main was moved to since `start` has a tree that passed a check.
    static func expectOnlyPassedTrees(_ repo: TestRepo, since start: String, _ label: String) throws {
        let passed = Set(checked(repo).filter(\.passed).map(\.tree))
        let positions = try repo.git("reflog", "show", "--format=%H", "refs/heads/main").split(separator: "\n").map(String.init)
        let moved = Array(positions.prefix { $0 != start })
        #expect(!moved.isEmpty, "\(label): main moved")
        for tip in moved {
            let tree = try repo.revParse("\(tip)^{tree}")
            #expect(passed.contains(tree), "\(label): main was at \(tip), whose tree \(tree) no check passed")
        }
    }

    static func report(_ result: ProcessResult) throws -> [String: Any] {
        try TestRepo.json(result.stdout) as? [String: Any] ?? [:]
    }

    @Test("12 independent tasks, all passing: one batch, at most 2 check runs, one move of main, a landing record per task in order")
    func allPass() throws {
        let repo = try TestRepo.forMerge()
        try Self.recordingCheck(repo, batchSize: 20, parallel: 2)
        let tasks = try (1...12).map { try repo.approvedTask("Task \($0)", files: [("f\($0).txt", "\($0)\n")]).id }
        let start = try repo.revParse("main")
        let result = try repo.orchestrate("merge", "--format", "json")
        #expect(result.status == 0, "\(result)")
        let report = try Self.report(result)
        let batches = report["batches"] as? [[String: Any]] ?? []
        #expect(batches.count == 1 && (batches.first?["landed"] as? [String]) == tasks, "\(batches)")
        #expect((report["checkRuns"] as? Int ?? 99) <= 2, "\(report)")
        #expect(Self.checked(repo).count <= 2)
        try Self.expectOnlyPassedTrees(repo, since: start, "all pass")
        let reflog = try repo.git("reflog", "show", "--format=%H", "refs/heads/main").split(separator: "\n")
        #expect(reflog.prefix { $0 != start }.count == 1, "one compare-and-swap for the batch")
        #expect(try repo.subjects().suffix(12) == tasks.indices.map { "Task \($0 + 1): f\($0 + 1).txt" }[...])
        // Each task has its own landing, with its own tips, chained in order.
        var previous = start
        for id in tasks {
            let events = try TestRepo.json(repo.orchestrateOK("log", "--task", id, "--format", "json")) as? [[String: Any]] ?? []
            let landed = try #require(events.last { $0["kind"] as? String == "landed" })
            let detail = landed["detail"] as? [String: Any] ?? [:]
            #expect(detail["oldTip"] as? String == previous, "\(id) lands on the tip its predecessor left")
            previous = detail["newTip"] as? String ?? ""
            #expect(try repo.taskJSON(id)["state"] as? String == "merged")
        }
        #expect(previous == (try repo.revParse("main")))
        #expect(try repo.orchestrate("audit", "verify").status == 0)
        #expect(try repo.orchestrate("doctor").status == 0)
    }

    @Test("one culprit among 12: it fails with its check output, the other 11 land, at most 9 check runs, only passing trees on main", arguments: [1, 2])
    func oneCulprit(parallel: Int) throws {
        let repo = try TestRepo.forMerge()
        try Self.recordingCheck(repo, batchSize: 20, parallel: parallel)
        var tasks: [String] = []
        for i in 1...12 {
            let files = i == 7 ? [("f7.txt", "7\n"), ("BROKEN", "x\n")] : [("f\(i).txt", "\(i)\n")]
            tasks.append(try repo.approvedTask("Task \(i)", files: files).id)
        }
        let start = try repo.revParse("main")
        let result = try repo.orchestrate("merge", "--format", "json")
        #expect(result.status == 1, "\(result)")
        let report = try Self.report(result)
        let runs = report["checkRuns"] as? Int ?? 99
        #expect(runs <= 9, "\(runs) check runs\n\(result.stderr)")
        let culprit = tasks[6]
        #expect(try repo.taskJSON(culprit)["state"] as? String == "failed")
        #expect((try repo.taskJSON(culprit)["feedback"] as? String ?? "").contains("BROKEN is here"))
        for id in tasks where id != culprit { #expect(try repo.taskJSON(id)["state"] as? String == "merged", "\(id)") }
        #expect(repo.read("BROKEN") == nil)
        try Self.expectOnlyPassedTrees(repo, since: start, "one culprit")
        let batches = report["batches"] as? [[String: Any]] ?? []
        #expect(batches.first?["culprit"] as? String == culprit, "\(batches)")
        let bisection = batches.first?["bisection"] as? [String] ?? []
        #expect(bisection.first?.hasPrefix("prefix 12 of 12 failed") == true && bisection.count >= 2, "\(bisection)")
    }

    @Test("dependencies keep their order inside and across batches; a conflict holds back only its dependents")
    func orderAndConflicts() throws {
        let repo = try TestRepo.forMerge(files: ["README.md": "hello\n", "clash.txt": "base\n"])
        try Self.recordingCheck(repo, batchSize: 3, parallel: 2)
        let a = try repo.approvedTask("A", files: [("a.txt", "a\n")]).id
        let b = try repo.approvedTask("B", files: [("b.txt", "b\n")], dependsOn: [a], stack: true).id
        let c1 = try repo.approvedTask("Clash 1", files: [("clash.txt", "one\n")]).id
        let c2 = try repo.approvedTask("Clash 2", files: [("clash.txt", "two\n")]).id
        let d = try repo.approvedTask("D", files: [("d.txt", "d\n")], dependsOn: [c2], stack: true).id
        let e = try repo.approvedTask("E", files: [("e.txt", "e\n")]).id
        let f = try repo.approvedTask("F", files: [("f.txt", "f\n")], dependsOn: [e], stack: true).id
        let start = try repo.revParse("main")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("\(c2)\tconflicted"), "\(result)")
        #expect(result.stdout.contains("\(d)\twaiting"), "\(result)")
        for id in [a, b, c1, e, f] { #expect(try repo.taskJSON(id)["state"] as? String == "merged", "\(id)\n\(result)") }
        let subjects = try repo.subjects()
        let index = { (s: String) in subjects.firstIndex { $0.hasPrefix(s + ":") } ?? -1 }
        #expect(index("A") < index("B") && index("A") >= 0, "\(subjects)")
        #expect(index("E") < index("F") && index("E") >= 0, "\(subjects)")
        #expect(repo.read("clash.txt") == "one\n")
        try Self.expectOnlyPassedTrees(repo, since: start, "order")
    }

    @Test("a flaky check in a batch passes on its retry and the batch lands")
    func flakyBatch() throws {
        let repo = try TestRepo.forMerge()
        let counter = repo.scratch + "/runs"
        // Fails the very first run only.
        let extra = "n=$(cat \(counter) 2>/dev/null || echo 0); n=$((n + 1)); echo $n > \(counter); [ $n -gt 1 ] || exit 1"
        try Self.recordingCheck(repo, batchSize: 20, parallel: 1, extra: extra, retries: 1)
        let tasks = try (1...4).map { try repo.approvedTask("Task \($0)", files: [("f\($0).txt", "\($0)\n")]).id }
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("retry 1 of 1"), "\(result)")
        for id in tasks { #expect(try repo.taskJSON(id)["state"] as? String == "merged") }
        #expect(repo.read("runs", in: repo.scratch) == "2\n", "one batch: the failed run and its retry")
    }

    @Test("someone pushing to main while a batch is checked: the batch is re-planned on top, their commit kept")
    func externalPushDuringBatch() throws {
        let repo = try TestRepo.forMerge()
        let mark = repo.scratch + "/pushed"
        let extra = "if [ ! -f \(mark) ]; then touch \(mark); git -C \(repo.path) commit -q --allow-empty -m external; fi"
        try Self.recordingCheck(repo, batchSize: 20, parallel: 2, extra: extra)
        let tasks = try (1...3).map { try repo.approvedTask("Task \($0)", files: [("f\($0).txt", "\($0)\n")]).id }
        let start = try repo.revParse("main")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("re-planning"), "\(result)")
        let subjects = try repo.subjects()
        #expect(subjects.contains("external"), "\(subjects)")
        #expect(Array(subjects.suffix(3)) == ["Task 1: f1.txt", "Task 2: f2.txt", "Task 3: f3.txt"], "\(subjects)")
        for id in tasks { #expect(try repo.taskJSON(id)["state"] as? String == "merged") }
        // The external commit was made by hand; every move the merge made was checked.
        let passed = Set(Self.checked(repo).filter(\.passed).map(\.tree))
        #expect(passed.contains(try repo.revParse("main^{tree}")))
        _ = start
    }

    @Test("merge --dry-run shows the batches it would form, with the predicted conflicts, and moves nothing")
    func dryRunBatches() throws {
        let repo = try TestRepo.forMerge(files: ["README.md": "hello\n", "clash.txt": "base\n"])
        try Self.recordingCheck(repo, batchSize: 2, parallel: 2)
        let ids = try (1...3).map { try repo.approvedTask("Task \($0)", files: [("f\($0).txt", "\($0)\n")]).id }
        let c1 = try repo.approvedTask("Clash 1", files: [("clash.txt", "one\n")]).id
        let c2 = try repo.approvedTask("Clash 2", files: [("clash.txt", "two\n")]).id
        let tip = try repo.revParse("main")
        let result = try repo.orchestrate("merge", "--dry-run", "--format", "json")
        #expect(result.status == 0, "\(result)")
        let batches = try Self.report(result)["batches"] as? [[String: Any]] ?? []
        #expect(batches.map { $0["tasks"] as? [String] ?? [] } == [[ids[0], ids[1]], [ids[2], c1]], "\(batches)")
        let predicted = batches.last?["predictedConflicts"] as? [String] ?? []
        #expect(predicted.contains { $0.contains(c1) && $0.contains(c2) && $0.contains("clash.txt") }, "\(predicted)")
        let table = try repo.orchestrate("merge", "--dry-run")
        #expect(table.stdout.contains("batch 1\t\(ids[0]) \(ids[1])"), "\(table)")
        #expect(try repo.revParse("main") == tip)
        #expect(Self.checked(repo).isEmpty, "a dry run runs no check")
    }

    @Test("a speculative check made moot is killed with what it started: the whole batch passed first, the half prefix's run stops and is reported killed")
    func mootSpeculationKilled() throws {
        let repo = try TestRepo.forMerge()
        let pidFile = repo.scratch + "/slow-pid"
        // A prefix shorter than the batch sleeps in a child process, recording its pid.
        let extra = "if [ $(echo $ORCHESTRATE_TASKS | wc -w) -lt 4 ]; then sleep 60 & echo $! > \(pidFile); wait; fi"
        try Self.recordingCheck(repo, batchSize: 20, parallel: 2, extra: extra)
        let tasks = try (1...4).map { try repo.approvedTask("Task \($0)", files: [("f\($0).txt", "\($0)\n")]).id }
        let result = try repo.orchestrate("merge", "--format", "json")
        #expect(result.status == 0, "\(result)")
        for id in tasks { #expect(try repo.taskJSON(id)["state"] as? String == "merged") }
        let runs = (try Self.report(result)["batches"] as? [[String: Any]])?.first?["checkRuns"] as? [[String: Any]] ?? []
        #expect(runs.count == 2, "\(runs)")
        #expect(runs.contains { ($0["tasks"] as? [String])?.count == 2 && $0["killed"] as? Bool == true }, "\(runs)")
        #expect(runs.contains { ($0["tasks"] as? [String])?.count == 4 && $0["passed"] as? Bool == true }, "\(runs)")
        #expect(result.stderr.contains("no longer needed"), "\(result)")
        if let pid = repo.read("slow-pid", in: repo.scratch).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            usleep(200_000)
            #expect(kill(pid, 0) != 0, "the moot check's child \(pid) was killed with it")
        }
    }
}
