import Foundation
import OrchestrateTestSupport
import Testing

@Suite("flaky checks: retries")
struct CheckRetryTests {
    /// A check that fails its first `failures` runs (counted in a file outside the worktree)
    /// and passes after, recording the commit it ran on each time.
    static func flakyConfig(_ repo: TestRepo, failures: Int, retries: Int?) throws {
        let counter = repo.scratch + "/check-runs"
        let script = repo.scratch + "/flaky-check.sh"
        try Data("""
            #!/bin/sh
            n=$(cat \(counter) 2>/dev/null || echo 0); n=$((n + 1)); echo $n > \(counter)
            echo "run $n on $ORCHESTRATE_COMMIT"
            [ $n -gt \(failures) ]
            """.utf8).write(to: URL(fileURLWithPath: script))
        chmod(script, 0o755)
        let retriesField = retries.map { #", "retries": \#($0)"# } ?? ""
        try repo.commitConfig(#"{ "merge": { "onFailure": "stop" }, "checks": [ { "name": "suite", "command": ["\#(script)"]\#(retriesField) } ] }"#, message: "flaky check")
    }

    @Test("a check that fails once lands on its retry, and the landed event says the retry passed")
    func retryPasses() throws {
        let repo = try TestRepo.forMerge()
        try Self.flakyConfig(repo, failures: 1, retries: 2)
        let task = try repo.approvedTask("Feature", files: [("feature.txt", "f\n")])
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\(task.id)\tlanded"), "\(result)")
        #expect(result.stderr.contains("note: check suite of \(task.id) failed (exit 1); retry 1 of 2"), "\(result)")
        #expect(repo.read("check-runs", in: repo.scratch) == "2\n", "one failure, one pass, no third run")
        let events = try TestRepo.json(repo.orchestrateOK("log", "--task", task.id, "--format", "json")) as? [[String: Any]] ?? []
        let landed = try #require(events.last { $0["kind"] as? String == "landed" })
        let checks = (landed["detail"] as? [String: Any])?["checks"] as? [[String: Any]] ?? []
        #expect(checks.count == 1)
        #expect(checks.first?["runs"] as? Int == 2 && checks.first?["passedOnRetry"] as? Bool == true, "\(checks)")
        let metrics = try TestRepo.json(repo.orchestrateOK("metrics", "--format", "json")) as? [String: Any]
        let counted = metrics?["checks"] as? [String: Any]
        #expect(counted?["flaky"] as? Int == 1, "\(String(describing: counted))")
    }

    @Test("without retries, or with fewer than the failures, the task fails with the last run's output")
    func retriesExhausted() throws {
        for (retries, runs) in [(nil, 1), (1, 2)] as [(Int?, Int)] {
            let repo = try TestRepo.forMerge()
            try Self.flakyConfig(repo, failures: 5, retries: retries)
            let task = try repo.approvedTask("Feature", files: [("feature.txt", "f\n")])
            let tipBefore = try repo.revParse("main")
            let result = try repo.orchestrate("merge")
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.contains("\(task.id)\tfailed"), "\(result)")
            #expect(try repo.revParse("main") == tipBefore, "a failed check never moves the target")
            #expect(repo.read("check-runs", in: repo.scratch) == "\(runs)\n")
            #expect(try repo.taskJSON(task.id)["state"] as? String == "failed")
        }
    }

    @Test("retries must be a whole number from 0 to 10, named in the error")
    func badRetries() throws {
        let repo = try TestRepo.forMerge()
        for (value, problem) in [("-1", "must be at least 0"), ("11", "must be at most 10"), ("\"2\"", "must be a whole number")] {
            try repo.write(".augment-orchestrator.json", #"{ "checks": [ { "name": "t", "command": ["true"], "retries": \#(value) } ] }"#)
            let result = try repo.orchestrate("status")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("key `checks[0].retries` \(problem)"), "\(result)")
        }
    }
}
