import Foundation
import OrchestrateTestSupport
import Testing

@Suite("trust: ledger crashes")
struct LedgerCrashTests {
    @Test("kill -9 after the ledger write of an approval: doctor --repair imports it; the gate and audit verify agree")
    func killAfterLedgerWrite() throws {
        let repo = try ReviewFixture.repo()
        try ReviewFixture.submittedTask(repo)
        let errFile = repo.scratch + "/approve.err"
        _ = FileManager.default.createFile(atPath: errFile, contents: nil)
        var env = repo.environment(as: ReviewFixture.rita)
        env["ORCHESTRATE_TEST_PAUSE"] = "after-ledger-write"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: orchestrateBinary)
        process.arguments = ["approve", "T1"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
        try process.run()
        var paused = false
        for _ in 0..<400 where !paused {
            paused = String(decoding: FileManager.default.contents(atPath: errFile) ?? Data(), as: UTF8.self)
                .contains("paused at after-ledger-write")
            if !paused { usleep(50_000) }
        }
        #expect(paused)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        // The ledger holds the approval; the database does not (its transaction never committed).
        #expect(try repo.git("log", "--format=%s", "-1", "refs/orchestrate/ledger").contains("approved T1"))
        #expect(try ReviewFixture.sqlite(repo, "SELECT count(*) FROM approvals") == "0")
        let before = try repo.orchestrate("audit", "verify")
        #expect(before.status == 1)
        #expect(before.stderr.contains("doctor --repair"), "\(before)")

        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("1 ledger event is missing from the database"), "\(doctor)")
        let repair = try repo.orchestrate("doctor", "--repair")
        #expect(repair.stdout.contains("1 ledger event was missing from the database: imported"), "\(repair)")
        #expect(try ReviewFixture.show(repo)["state"] as? String == "approved")
        #expect(try ReviewFixture.sqlite(repo, "SELECT approver FROM approvals") == ReviewFixture.rita)
        let after = try repo.orchestrate("audit", "verify")
        #expect(after.status == 0, "\(after)")
    }
}
