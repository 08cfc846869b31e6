import Foundation
import OrchestrateTestSupport
import Testing

/// The local trust holes of issue 13, each tried as an adversary would, with real processes.
@Suite("trust: local")
struct LocalTrustTests {
    /// A repository with a bare remote, and task T1 (one commit) fast-forwarded onto main by
    /// hand; approved by Rita when `approve`.
    static func landedByHand(approve: Bool) throws -> (repo: TestRepo, oid: String) {
        let repo = try GateFixture.repoWithRemote()
        try repo.orchestrateOK("add", "Feature")
        let worktree = try repo.orchestrateOK("start", "T1")
        let oid = try repo.commit("feature.txt", "feature\n", message: "Add the feature", in: worktree)
        if approve { try GateFixture.approve(repo, "T1") }
        try repo.git("merge", "-q", "--ff-only", "orchestrate/T1")
        return (repo, oid)
    }

    @Test("a deleted database makes the pre-push gate refuse protected pushes, naming the repair; init --new-database rebuilds it from the ledger")
    func deletedDatabaseFailsClosed() throws {
        let (repo, oid) = try Self.landedByHand(approve: true)
        let before = try GateFixture.remoteTip(repo, "main")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ReviewFixture.database(repo) + suffix) }
        let push = try repo.gitResult("push", "origin", "main")
        #expect(push.status != 0)
        #expect(push.stderr.contains("error: push to origin refs/heads/main refused: the git-orchestrate database"), "\(push)")
        #expect(push.stderr.contains("then `git orchestrate init --new-database` to rebuild it from the ledger, and push again"))
        #expect(try GateFixture.remoteTip(repo, "main") == before)
        // An unprotected branch still pushes.
        #expect(try repo.gitResult("push", "-q", "origin", "main:refs/heads/scratch").status == 0)

        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.stdout.contains("`git orchestrate init --new-database` rebuilds the tasks it names"), "\(doctor)")
        let rebuild = try repo.orchestrate("init", "--new-database")
        #expect(rebuild.status == 0, "\(rebuild)")
        #expect(rebuild.stderr.contains("1 approval and 0 landings imported"), "\(rebuild)")
        let verify = try repo.orchestrate("verify", "origin/main..main")
        #expect(verify.status == 0, "\(verify)")
        let pushed = try repo.gitResult("push", "origin", "main")
        #expect(pushed.status == 0, "\(pushed)")
        #expect(try GateFixture.remoteTip(repo, "main") == oid)
        #expect(try ReviewFixture.show(repo)["state"] as? String == "approved")
    }

    @Test("doctor --repair rebuilds a deleted or damaged database from the ledger; the damaged file is kept aside", arguments: ["deleted", "damaged"])
    func doctorRepairRebuilds(how: String) throws {
        let (repo, oid) = try Self.landedByHand(approve: true)
        let db = ReviewFixture.database(repo)
        if how == "deleted" {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        } else {
            try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: db))
        }
        let look = try repo.orchestrate("doctor")
        #expect(look.status == 1, "\(look)")
        let repair = try repo.orchestrate("doctor", "--repair")
        #expect(repair.stdout.contains("repaired: rebuilt the state database from the approvals ledger"), "\(repair)")
        #expect(try repo.orchestrate("verify", "origin/main..main").status == 0)
        #expect(try ReviewFixture.show(repo)["state"] as? String == "approved")
        #expect(try repo.gitResult("push", "origin", "main").status == 0)
        #expect(try GateFixture.remoteTip(repo, "main") == oid)
        let aside = try FileManager.default.contentsOfDirectory(atPath: (db as NSString).deletingLastPathComponent)
            .filter { $0.contains(".replaced-") }
        #expect(aside.isEmpty == (how == "deleted"), "\(aside)")
        try repo.orchestrateOK("audit", "verify")
    }

    @Test("a new init over an existing ledger does not take unapproved history as approved")
    func reinitDoesNotRebaseline() throws {
        let (repo, oid) = try Self.landedByHand(approve: false)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ReviewFixture.database(repo) + suffix) }
        #expect(try repo.orchestrate("init").status == 1, "init refuses to start an empty database over the tasks' traces")
        let again = try repo.orchestrate("init", "--new-database")
        #expect(again.status == 0, "\(again)")
        #expect(again.stderr.contains("already has an approvals ledger"), "\(again)")
        let push = try repo.gitResult("push", "origin", "main")
        #expect(push.status != 0, "\(push)")
        #expect(push.stderr.contains(String(oid.prefix(8))))
        #expect(try repo.orchestrate("verify", "origin/main..main").status == 1)
    }

    @Test("rows forged into approvals and cleared_commits are not trusted by the gate, verify or merge")
    func forgedRowsNotTrusted() throws {
        let (repo, oid) = try Self.landedByHand(approve: false)
        let seq = try ReviewFixture.sqlite(repo, "SELECT max(seq) FROM audit_events")
        try ReviewFixture.sqlite(repo, """
            INSERT INTO cleared_commits (oid, task, reason, auditSeq) VALUES ('\(oid)', 'T1', 'approved', \(seq));
            INSERT INTO approvals (oid, approver, task, tree, patchId, base, time, auditSeq)
                VALUES ('\(oid)', 'Rita Reviewer <rita@example.com>', 'T1', '', '', '', '2026-01-01T00:00:00.000Z', \(seq));
            UPDATE tasks SET state = 'approved', submittedHead = '\(oid)', head = '\(oid)' WHERE id = 'T1';
            """)
        let verify = try repo.orchestrate("verify", "origin/main..main")
        #expect(verify.status == 1, "\(verify)")
        #expect(verify.stdout.contains(String(oid.prefix(8))) || verify.stderr.contains(String(oid.prefix(8))))
        let push = try repo.gitResult("push", "origin", "main")
        #expect(push.status != 0)
        #expect(push.stderr.contains("1 of 1 commit lacks approval"), "\(push)")
        let merge = try repo.orchestrate("merge", "T1", "--format", "json")
        #expect(merge.stdout.contains("needsApproval"), "\(merge)")
        let review = try ReviewFixture.review(repo)
        #expect((review["approvals"] as? [Any])?.isEmpty == true)
        #expect((review["untrustedApprovals"] as? [[String: Any]])?.first?["approver"] as? String == "Rita Reviewer <rita@example.com>")
    }

    @Test("moving refs/remotes/origin/main to an unapproved commit does not get it past the gate")
    func movedTrackingRef() throws {
        let (repo, oid) = try Self.landedByHand(approve: false)
        let before = try GateFixture.remoteTip(repo, "main")
        try repo.git("update-ref", "refs/remotes/origin/main", oid)
        let push = try repo.gitResult("push", "origin", "main")
        #expect(push.status != 0, "\(push)")
        #expect(push.stderr.contains("lacks approval"))
        #expect(try GateFixture.remoteTip(repo, "main") == before)
    }

    @Test("approve --by someone else is only a claim: the acting identity is the approver, and the rules apply to it")
    func byIsAClaim() throws {
        let repo = try ReviewFixture.repo()
        try ReviewFixture.submittedTask(repo)
        // Ada wrote T1; naming Rita does not make her approval Rita's.
        let selfApproval = try repo.orchestrate("approve", "T1", "--by", ReviewFixture.rita)
        #expect(selfApproval.status == 2, "\(selfApproval)")
        #expect(selfApproval.stderr.contains("Ada Author <ada@example.com> may not approve T1: refused by the rule `approvals.allowSelfApproval`"))
        #expect(try ReviewFixture.sqlite(repo, "SELECT count(*) FROM approvals") == "0")
        // Mallory names Rita: recorded as Mallory's approval, Rita kept as a claim.
        let mallory = "Mallory <mallory@example.com>"
        let claimed = try repo.orchestrateAs(mallory, "approve", "T1", "--by", ReviewFixture.rita)
        #expect(claimed.status == 0, "\(claimed)")
        #expect(claimed.stdout.contains("by \(mallory)"))
        #expect(claimed.stderr.contains("nothing proves that \(ReviewFixture.rita) approved"))
        let event = try #require(try ReviewFixture.events(repo).last)
        #expect(event["actor"] as? String == mallory)
        let detail = event["detail"] as? [String: Any]
        #expect(detail?["approver"] as? String == mallory)
        #expect(detail?["claimedFor"] as? String == ReviewFixture.rita)
        let ledger = try repo.git("cat-file", "-p", "refs/orchestrate/ledger:event.json")
        #expect(ledger.contains("\"approver\":\"\(mallory)\""))
    }

    @Test("audit verify fails on truncation, on every row deleted, on a forged chained row and on a rewrite re-chained")
    func auditAnchoredInLedger() throws {
        func approvedRepo() throws -> TestRepo {
            let repo = try ReviewFixture.repo()
            try ReviewFixture.submittedTask(repo)
            try repo.orchestrateOKAs(ReviewFixture.rita, "approve", "T1")
            try repo.orchestrateOK("add", "Later")
            #expect(try repo.orchestrate("audit", "verify").status == 0)
            return repo
        }
        let dropTriggers = "DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_events_no_update;"
        // Truncation: the approval's row and everything after it.
        let truncated = try approvedRepo()
        try ReviewFixture.sqlite(truncated, dropTriggers + "DELETE FROM audit_events WHERE seq >= (SELECT seq FROM audit_events WHERE kind = 'approved');")
        let t = try truncated.orchestrate("audit", "verify")
        #expect(t.status == 1)
        #expect(t.stderr.contains("which is gone: the trail was truncated"), "\(t)")
        // Every row deleted.
        let emptied = try approvedRepo()
        try ReviewFixture.sqlite(emptied, dropTriggers + "DELETE FROM audit_events;")
        let e = try emptied.orchestrate("audit", "verify")
        #expect(e.status == 1)
        #expect(e.stderr.contains("does not begin with the row the ledger anchors"), "\(e)")
        // A forged approval appended with a correct hash chain.
        let forged = try approvedRepo()
        let last = try ReviewFixture.sqlite(forged, "SELECT seq || ' ' || hash FROM audit_events ORDER BY seq DESC LIMIT 1").split(separator: " ")
        let seq = Int(last[0])! + 1
        let time = "2026-02-01T00:00:00.000Z"
        let content = #"{"actor":"Mallory","detail":"{}","kind":"approved","oid":null,"seq":\#(seq),"task":"T1","time":"\#(time)"}"#
        let hash = try sha256(String(last[1]) + "\n" + content)
        try ReviewFixture.sqlite(forged, """
            INSERT INTO audit_events (seq, time, kind, task, oid, actor, detail, prevHash, hash)
            VALUES (\(seq), '\(time)', 'approved', 'T1', NULL, 'Mallory', '{}', '\(last[1])', '\(hash)');
            """)
        let f = try forged.orchestrate("audit", "verify")
        #expect(f.status == 1)
        #expect(f.stderr.contains("broken at row \(seq)"), "\(f)")
        #expect(f.stderr.contains("the ledger does not hold"))
        // A row rewritten and every later hash recomputed.
        let rechained = try approvedRepo()
        try rechain(rechained, rewriting: 2)
        let r = try rechained.orchestrate("audit", "verify")
        #expect(r.status == 1)
        #expect(r.stderr.contains("the trail was rewritten and re-chained") || r.stderr.contains("does not begin with"), "\(r)")
    }

    /// SHA-256 hex of `text` with the sha256sum CLI.
    func sha256(_ text: String) throws -> String {
        let result = try runProcess(["sha256sum"], cwd: "/", environment: ProcessInfo.processInfo.environment, stdin: text)
        return String(result.stdout.prefix(64))
    }

    /// Rewrites the actor of row `seq` and recomputes every hash from there on, as an attacker
    /// who knows the chain's formula would.
    func rechain(_ repo: TestRepo, rewriting seq: Int) throws {
        try ReviewFixture.sqlite(repo, "DROP TRIGGER audit_events_no_update;")
        var prev = try ReviewFixture.sqlite(repo, "SELECT prevHash FROM audit_events WHERE seq = \(seq)")
        let count = Int(try ReviewFixture.sqlite(repo, "SELECT max(seq) FROM audit_events"))!
        for s in seq...count {
            if s == seq { try ReviewFixture.sqlite(repo, "UPDATE audit_events SET actor = 'Mallory' WHERE seq = \(s)") }
            let content = try ReviewFixture.sqlite(repo, """
                SELECT json_object('actor', actor, 'detail', detail, 'kind', kind, 'oid', oid, 'seq', seq, 'task', task, 'time', time)
                FROM audit_events WHERE seq = \(s)
                """)
            let hash = try sha256(prev + "\n" + content)
            try ReviewFixture.sqlite(repo, "UPDATE audit_events SET prevHash = '\(prev)', hash = '\(hash)' WHERE seq = \(s)")
            prev = hash
        }
        // The chain itself is consistent again: only the ledger's anchors can tell.
    }
}
