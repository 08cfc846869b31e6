import Foundation
import OrchestrateTestSupport
import Testing

/// `next` under contention, with real processes: six claimers draining a queue of 60 tasks.
@Suite("next under contention")
struct NextRaceTests {
    @Test("6 processes over 60 tasks: every task claimed once, no spurious failure, one claimed event per claim")
    func sixClaimers() throws {
        // A `.gitattributes` below the root makes each worktree be created twice (without
        // content filters, then again with them): more worktree churn for the claimers to race.
        let repo = try TestRepo(files: ["README.md": "hello\n", "docs/.gitattributes": "*.md text\n"], initialize: true)
        for n in 1...60 { try repo.orchestrateOK("add", "Task \(n)") }
        // Each claimer calls `next` until the queue is empty, writing one line per call: the id
        // claimed, or the failure with its exit status and message.
        let script = """
            i=0
            while [ $i -lt 40 ]; do
              i=$((i+1))
              if out=$("$1" next --agent "$2" 2>"$3.err"); then
                echo "ok $(printf '%s' "$out" | cut -f1)" >> "$3"
              else
                status=$?
                if grep -q "no task is ready" "$3.err"; then echo "empty" >> "$3"; break; fi
                echo "fail $status $(cat "$3.err")" >> "$3"
              fi
            done
            """
        let scriptPath = repo.scratch + "/claimer.sh"
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        var claimers: [(Process, String)] = []
        for k in 1...6 {
            let output = repo.scratch + "/claimer\(k).txt"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = [scriptPath, orchestrateBinary, "agent\(k)", output]
            process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
            process.environment = repo.environment
            try process.run()
            claimers.append((process, output))
        }
        var claimed: [String] = []
        var failures: [String] = []
        for (process, output) in claimers {
            process.waitUntilExit()
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                if line.hasPrefix("ok ") { claimed.append(String(line.dropFirst(3))) }
                if line.hasPrefix("fail ") { failures.append(String(line)) }
            }
        }
        #expect(failures.isEmpty, "spurious failures: \(failures)")
        #expect(claimed.count == 60, "claimed \(claimed.count)")
        #expect(Set(claimed).count == claimed.count, "a task was handed out twice: \(claimed.sorted())")
        let events = try TestRepo.json(try repo.orchestrateOK("log", "--format", "json")) as? [[String: Any]] ?? []
        let claims = events.filter { $0["kind"] as? String == "claimed" }.compactMap { $0["task"] as? String }
        #expect(claims.count == 60, "claimed events: \(claims.count)")
        #expect(Set(claims).count == 60, "a task has two claimed events")
        let tasks = try TestRepo.json(try repo.orchestrateOK("list", "--format", "json")) as? [[String: Any]] ?? []
        #expect(tasks.allSatisfy { $0["state"] as? String == "running" && $0["worktree"] is String })
        #expect(try repo.orchestrate("doctor").status == 0)
    }
}

@Suite("next past a task that cannot start")
struct NextSkipTests {
    @Test("a folder in the way of the first ready task: next warns, starts the next one, and the blocked task stays queued")
    func skipsBrokenTask() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "Blocked", "--priority", "urgent")
        try repo.orchestrateOK("add", "Fine")
        try FileManager.default.createDirectory(atPath: repo.worktreeRoot + "/T1", withIntermediateDirectories: true)
        let next = try repo.orchestrate("next")
        #expect(next.status == 0, "\(next)")
        #expect(next.stdout.hasPrefix("T2\t"), "\(next)")
        #expect(next.stderr.contains("warning: could not start T1 (the folder \(repo.worktreeRoot)/T1 already exists"), "\(next)")
        #expect(try repo.taskJSON("T1")["state"] as? String == "queued")
        let kinds = try (TestRepo.json(try repo.orchestrateOK("log", "--task", "T1", "--format", "json")) as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds == ["added", "claimed", "requeued"])
        // With nothing else ready, the real problem is the error.
        let again = try repo.orchestrate("next")
        #expect(again.status == 2, "\(again)")
        #expect(again.stderr.contains("the folder \(repo.worktreeRoot)/T1 already exists"), "\(again)")
    }
}
