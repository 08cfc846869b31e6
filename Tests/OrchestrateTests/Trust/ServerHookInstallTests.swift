import Foundation
import OrchestrateTestSupport
import Testing

@Suite("trust: server hook install and pending sync")
struct ServerHookInstallTests {
    @Test("hooks install --server chains an existing pre-receive (which still runs first) and refuses a clone")
    func chainsExistingHook() throws {
        let team = try TrustTeam(requireSigned: false, serverHook: false)
        let repo = team.repo
        let hook = team.server + "/hooks/pre-receive"
        let marker = repo.scratch + "/chained-ran"
        try "#!/bin/sh\ncat > \(marker)\nexit 0\n".write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        let installed = try runProcess([orchestrateBinary, "hooks", "install", "--server"], cwd: team.server, environment: repo.environment)
        #expect(installed.status == 0, "\(installed)")
        #expect(installed.stdout.contains("(the hook that was there is chained): protecting main"), "\(installed)")
        #expect(FileManager.default.fileExists(atPath: hook + ".orchestrate-chained"))
        let again = try runProcess([orchestrateBinary, "hooks", "install", "--server"], cwd: team.server, environment: repo.environment)
        #expect(again.status == 0, "\(again)")

        let oid = try repo.commit("stray.txt", "x\n", message: "Stray")
        let push = try repo.gitResult("push", "--no-verify", "origin", "main")
        #expect(push.status != 0)
        #expect(push.stderr.contains("server gate"), "\(push)")
        let seen = try String(contentsOfFile: marker, encoding: .utf8)
        #expect(seen.contains("\(oid) refs/heads/main"), "the chained hook got git's input: \(seen)")

        let inClone = try repo.orchestrate("hooks", "install", "--server")
        #expect(inClone.status == 2)
        #expect(inClone.stderr.contains("is not a bare repository; run `git orchestrate hooks install --server` in the shared repository"), "\(inClone)")
    }

    @Test("with sync.remote unreachable, approve still succeeds locally and says sync is pending; sync later publishes it")
    func pendingSync() throws {
        let team = try TrustTeam(requireSigned: false, serverHook: false)
        let repo = team.repo
        _ = try team.agentTask("T1", file: "one.txt")
        try FileManager.default.moveItem(atPath: team.server, toPath: team.server + ".away")
        let approved = try repo.orchestrateAs(TrustTeam.rita, "approve", "T1")
        #expect(approved.status == 0, "\(approved)")
        #expect(approved.stderr.contains("note: recorded locally; sync to origin is pending"), "\(approved)")
        #expect(try ReviewFixture.show(repo)["state"] as? String == "approved")
        try FileManager.default.moveItem(atPath: team.server + ".away", toPath: team.server)
        let sync = try repo.orchestrate("sync")
        #expect(sync.status == 0, "\(sync)")
        #expect(sync.stdout.contains("local events published"), "\(sync)")
        #expect(try team.serverRef("refs/orchestrate/ledger") == repo.git("rev-parse", "refs/orchestrate/ledger").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("the server refuses a self-approval that a relaxed local configuration let through, and accepts another reviewer's")
    func selfApprovalOnServer() throws {
        let team = try TrustTeam(requireSigned: false)
        let repo = team.repo
        _ = try team.agentTask("T1", file: "one.txt")
        try repo.write(".augment-orchestrator.json", #"{"target": "main", "approvals": {"allowSelfApproval": true}}"#)
        try repo.orchestrateOK("approve", "T1")
        try repo.git("merge", "-q", "--ff-only", "orchestrate/T1")
        let before = try team.serverRef("refs/heads/main")
        let push = try repo.gitResult("push", "--atomic", "origin", "refs/orchestrate/ledger", "main")
        #expect(push.status != 0, "\(push)")
        #expect(push.stderr.contains("1 of 1 commit lacks an approval"), "\(push)")
        #expect(try team.serverRef("refs/heads/main") == before)
        try repo.orchestrateOKAs(TrustTeam.rita, "approve", "T1")
        let accepted = try repo.gitResult("push", "--atomic", "origin", "refs/orchestrate/ledger", "main")
        #expect(accepted.status == 0, "\(accepted)")
    }
}
