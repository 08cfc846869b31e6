import Foundation
import OrchestrateTestSupport
import Testing

/// `approvals.requireSigned` with real ssh-keygen keys.
@Suite("trust: signed approvals")
struct SignedApprovalTests {
    @Test("with requireSigned an approval counts only when the signature proves its approver")
    func signatureProvesApprover() throws {
        let team = try TrustTeam(requireSigned: true, serverHook: false)
        let repo = team.repo
        let oid = try team.agentTask("T1", file: "one.txt")
        // Rita's key, but the name typed is Bob's: the signature does not prove Bob.
        let asBob = try team.asRita("approve", "T1", "--by", "Bob Builder <bob@example.com>")
        #expect(asBob.status == 2, "\(asBob)")
        #expect(asBob.stderr.contains("does not verify for Bob Builder <bob@example.com> against gpg.ssh.allowedSignersFile"), "\(asBob)")
        #expect(try repo.git("log", "--format=%s", "refs/orchestrate/ledger").contains("approved") == false)

        let approved = try team.asRita("approve", "T1")
        #expect(approved.status == 0, "\(approved)")
        let event = try #require(try ReviewFixture.events(repo).last)
        #expect((event["detail"] as? [String: Any])?["signed"] as? Bool == true)
        let signature = try repo.git("cat-file", "blob", "refs/orchestrate/ledger:event.sig")
        #expect(signature.contains("BEGIN SSH SIGNATURE"))
        // The signature checks out with ssh-keygen itself, against the payload as stored.
        let payload = try repo.git("cat-file", "blob", "refs/orchestrate/ledger:event.json")
        let sigFile = repo.scratch + "/event.sig"
        try signature.write(toFile: sigFile, atomically: true, encoding: .utf8)
        let check = try runProcess(
            ["ssh-keygen", "-Y", "verify", "-f", team.allowedSigners, "-I", "rita@example.com", "-n", "git-orchestrate-ledger", "-s", sigFile],
            cwd: repo.scratch, environment: repo.environment, stdin: payload)
        #expect(check.status == 0, "\(check)")

        try repo.git("merge", "-q", "--ff-only", "orchestrate/T1")
        #expect(try repo.orchestrate("verify", "main~1..main").status == 0)
        // Rita's key taken off the allowed signers: her approval no longer counts.
        try "".write(toFile: team.allowedSigners, atomically: true, encoding: .utf8)
        let revoked = try repo.orchestrate("verify", "main~1..main")
        #expect(revoked.status == 1, "\(revoked)")
        #expect((revoked.stdout + revoked.stderr).contains(String(oid.prefix(8))))
    }
}
