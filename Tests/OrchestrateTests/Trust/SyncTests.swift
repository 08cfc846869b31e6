import Foundation
import OrchestrateTestSupport
import Testing

/// `sync` between clones through a real bare server.
@Suite("trust: sync")
struct SyncTests {
    @Test("two clones approving and syncing at the same time both keep their approvals; the other clone verifies and merges with them; a rewrite is refused")
    func concurrentSync() throws {
        let team = try TrustTeam(requireSigned: false)
        let a = team.repo
        try a.orchestrateOK("sync")
        let bPath = a.scratch + "/clone-b"
        try a.git("clone", "-q", team.server, bPath)
        let b = TestRepoClone(a, bPath)
        let initB = try b.orchestrate("init")
        #expect(initB.status == 0, "\(initB)")
        #expect(initB.stderr.contains("already has an approvals ledger"), "\(initB)")

        _ = try team.agentTask("T1", file: "one.txt")
        try b.ok("add", "Work on two.txt", "--id", "T2")
        let worktreeB = try b.ok("start", "T2")
        try a.commit("two.txt", "two\n", message: "Add two.txt", in: worktreeB)
        try b.ok("submit", "T2")

        // Both approve at once; each approve syncs on its own (sync.remote).
        let results = ConcurrentResults()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let r = i == 0
                ? try? a.orchestrateAs(TrustTeam.rita, "approve", "T1")
                : try? runProcess([orchestrateBinary, "approve", "T2"], cwd: bPath, environment: a.environment(as: TrustTeam.rita))
            results.set(i, r)
        }
        #expect(results.get(0)?.status == 0, "\(String(describing: results.get(0)))")
        #expect(results.get(1)?.status == 0, "\(String(describing: results.get(1)))")
        try a.orchestrateOK("sync")
        try b.ok("sync")
        let serverLog = try a.git("--git-dir=\(team.server)", "log", "--format=%s", "refs/orchestrate/ledger")
        #expect(serverLog.contains("orchestrate: approved T1"), "\(serverLog)")
        #expect(serverLog.contains("orchestrate: approved T2"), "\(serverLog)")
        #expect(try a.git("rev-parse", "refs/orchestrate/ledger") == b.git("rev-parse", "refs/orchestrate/ledger"))

        // B takes in A's approval: verify passes, and merge lands T1 from B.
        try a.git("push", "-q", "origin", "orchestrate/T1")
        try b.git("fetch", "-q", "origin")
        try b.ok("sync")
        let verify = try b.orchestrate("verify", "origin/main..origin/orchestrate/T1")
        #expect(verify.status == 0, "\(verify)")
        let merge = try runProcess([orchestrateBinary, "merge", "T1"], cwd: bPath, environment: a.environment(as: TrustTeam.rita))
        #expect(merge.status == 0, "\(merge)")
        let push = try b.gitResult("push", "origin", "main")
        #expect(push.status == 0, "\(push)")
        let landed = try b.git("rev-parse", "main").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try team.serverRef("refs/heads/main") == landed)
        #expect(try b.git("log", "--format=%s", "-1", "main").contains("Add one.txt"))

        // Someone rewrites the server's ledger behind the gate's back: sync refuses to take it.
        let tip = try #require(try team.serverRef("refs/orchestrate/ledger"))
        let rewritten = try a.git("--git-dir=\(team.server)", "commit-tree", "-m", "rewritten", "\(tip)^{tree}", "-p", "\(tip)~2")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try a.git("--git-dir=\(team.server)", "update-ref", "refs/orchestrate/ledger", rewritten)
        let refused = try a.orchestrate("sync")
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("was rewritten"), "\(refused)")
    }
}

/// A second clone driven with the first clone's hermetic environment.
struct TestRepoClone {
    let base: TestRepo
    let path: String
    init(_ base: TestRepo, _ path: String) {
        self.base = base
        self.path = path
    }
    func orchestrate(_ args: String...) throws -> ProcessResult {
        try runProcess([orchestrateBinary] + args, cwd: path, environment: base.environment)
    }
    @discardableResult
    func ok(_ args: String...) throws -> String {
        let r = try runProcess([orchestrateBinary] + args, cwd: path, environment: base.environment)
        guard r.status == 0 else { throw TestFailure("git-orchestrate \(args) failed in \(path): \(r)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    @discardableResult
    func git(_ args: String...) throws -> String { try base.gitArgs(args, in: path) }
    func gitResult(_ args: String...) throws -> ProcessResult {
        try runProcess(["git"] + args, cwd: path, environment: base.environment)
    }
}

/// Results written from concurrent closures.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: ProcessResult] = [:]
    func set(_ i: Int, _ r: ProcessResult?) {
        lock.lock()
        values[i] = r
        lock.unlock()
    }
    func get(_ i: Int) -> ProcessResult? {
        lock.lock()
        defer { lock.unlock() }
        return values[i]
    }
}
