import Foundation
import OrchestrateTestSupport
import Testing

/// The pre-receive gate on a bare server: what the client hook cannot stop.
@Suite("trust: server gate")
struct ServerGateTests {
    @Test("--no-verify, core.hooksPath=/dev/null, send-pack, a forged unsigned approval, deletion and a rewind are all refused by the server, which stays unchanged")
    func bypassesRefused() throws {
        let team = try TrustTeam()
        let repo = team.repo
        let before = try #require(try team.serverRef("refs/heads/main"))
        let oid = try team.agentTask("T1", file: "feature.txt")
        try repo.git("merge", "-q", "--ff-only", "orchestrate/T1")

        let noVerify = try repo.gitResult("push", "--no-verify", "origin", "main")
        #expect(noVerify.status != 0)
        #expect(noVerify.stderr.contains("push to main refused by the git-orchestrate server gate: 1 of 1 commit lacks an approval"), "\(noVerify)")
        #expect(noVerify.stderr.contains(String(oid.prefix(8))))
        let hooksOff = try repo.gitResult("-c", "core.hooksPath=/dev/null", "push", "origin", "main")
        #expect(hooksOff.status != 0)
        #expect(hooksOff.stderr.contains("server gate"), "\(hooksOff)")
        let sendPack = try repo.gitResult("send-pack", team.server, "refs/heads/main")
        #expect(sendPack.status != 0)
        #expect(sendPack.stderr.contains("server gate"), "\(sendPack)")
        #expect(try team.serverRef("refs/heads/main") == before)

        // The agent approves its own work unsigned (requireSigned is off in its copy of the
        // configuration) naming Rita: the ledger travels, the approval counts for nothing.
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "approvals": {"allowSelfApproval": true}}"#)
        let forged = try repo.orchestrate("approve", "T1", "--by", TrustTeam.rita)
        #expect(forged.status == 0, "\(forged)")
        let withLedger = try repo.gitResult("push", "--no-verify", "--atomic", "origin", "refs/orchestrate/ledger", "main")
        #expect(withLedger.status != 0, "\(withLedger)")
        #expect(withLedger.stderr.contains("lacks an approval in refs/orchestrate/ledger signed by an allowed signer"))
        #expect(try team.serverRef("refs/heads/main") == before)
        #expect(try team.serverRef("refs/orchestrate/ledger") == nil, "an atomic push lands nothing")

        let deletion = try repo.gitResult("push", "--no-verify", "origin", ":main")
        #expect(deletion.status != 0)
        #expect(deletion.stderr.contains("deleting the protected branch main is refused"), "\(deletion)")
        #expect(try team.serverRef("refs/heads/main") == before)
    }

    @Test("a change Rita signed and the merge buffer landed is accepted; a rewind after it and a ledger with a forged signature are refused")
    func signedApprovalAccepted() throws {
        let team = try TrustTeam()
        let repo = team.repo
        _ = try team.agentTask("T1", file: "feature.txt")
        let agentTry = try repo.orchestrate("approve", "T1")
        #expect(agentTry.status == 2)
        #expect(agentTry.stderr.contains("`approvals.requireSigned` is true and git has no SSH signing key here"), "\(agentTry)")
        let approved = try team.asRita("approve", "T1")
        #expect(approved.status == 0, "\(approved)")
        let merged = try team.asRita("merge")
        #expect(merged.status == 0, "\(merged)")
        let tip = try repo.git("rev-parse", "main").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try team.serverRef("refs/orchestrate/ledger") == repo.git("rev-parse", "refs/orchestrate/ledger").trimmingCharacters(in: .whitespacesAndNewlines))
        let push = try repo.gitResult("push", "origin", "main")
        #expect(push.status == 0, "\(push)")
        #expect(try team.serverRef("refs/heads/main") == tip)

        let rewind = try repo.gitResult("push", "--no-verify", "--force", "origin", "main~1:main")
        #expect(rewind.status != 0)
        #expect(rewind.stderr.contains("main may only move forward"), "\(rewind)")
        #expect(try team.serverRef("refs/heads/main") == tip)

        // Rita's signature copied onto an approval of something else.
        let ledgerTip = try repo.git("rev-parse", "refs/orchestrate/ledger").trimmingCharacters(in: .whitespacesAndNewlines)
        let approval = try repo.git("log", "--format=%H", "--grep=^orchestrate: approved", "refs/orchestrate/ledger").split(separator: "\n")[0]
        let signature = try repo.git("cat-file", "blob", "\(approval):event.sig")
        let stray = try repo.commit("stray.txt", "x\n", message: "Stray")
        let payload = try repo.git("cat-file", "blob", "\(approval):event.json").replacingOccurrences(of: tip, with: stray)
        let forgedCommit = try plumbingCommit(repo, payload: payload, signature: signature, parent: ledgerTip)
        let forgedPush = try repo.gitResult("push", "--no-verify", "origin", "\(forgedCommit):refs/orchestrate/ledger")
        #expect(forgedPush.status != 0)
        #expect(forgedPush.stderr.contains("without a signature that verifies against the server's allowed signers"), "\(forgedPush)")
        #expect(try team.serverRef("refs/orchestrate/ledger") == ledgerTip)
        // A rewrite of the ledger is refused too.
        let rewrite = try repo.gitResult("push", "--no-verify", "--force", "origin", "\(ledgerTip)~1:refs/orchestrate/ledger")
        #expect(rewrite.status != 0)
        #expect(rewrite.stderr.contains("may only grow"), "\(rewrite)")
    }

    /// A ledger commit made with git plumbing, as an attacker would.
    func plumbingCommit(_ repo: TestRepo, payload: String, signature: String, parent: String) throws -> String {
        func blob(_ text: String) throws -> String {
            try repo.gitResult("hash-object", "-w", "--stdin", stdin: text).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let tree = try repo.gitResult(
            "mktree", stdin: "100644 blob \(try blob(payload))\tevent.json\n100644 blob \(try blob(signature))\tevent.sig\n"
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return try repo.git("commit-tree", tree, "-p", parent, "-m", "orchestrate: approved").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
