import Foundation
import OrchestrateTestSupport
import Testing

/// What an agent cannot do to the machine: fill the disk with its log, or leave processes
/// running after its run by escaping its process group.
@Suite("agent bounds")
struct AgentBoundsTests {
    @Test("a chatty agent's log is cut back to its tail at agent.maxLogBytes")
    func logCap() throws {
        let repo = try TestRepo.withAgent(["maxLogBytes": 65536])
        // About 1 MB of output, the last line marked.
        let agent = try repo.agentScript("chatty.sh", """
            line=$(printf '%0500d' 0)
            i=0
            while [ $i -lt 2000 ]; do echo "line $i $line"; i=$((i+1)); done
            echo LAST-LINE
            """)
        try repo.orchestrateOK("add", "Chatty")
        let run = try repo.orchestrate("run", "T1", "--", agent)
        #expect(run.status == 0, "\(run)")
        let logPath = try #require(try repo.runs("T1").first?["log"] as? String)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int)
        #expect(size <= 65536, "the log holds \(size) bytes")
        let logs = try repo.orchestrateOK("logs", "T1")
        #expect(logs.contains("bytes of earlier output dropped (agent.maxLogBytes = 65536)"), "\(logs.prefix(300))")
        #expect(logs.contains("LAST-LINE"))
        #expect(logs.contains("line 1999 "))
        #expect(!logs.contains("line 0 "))
    }

    @Test("a process the agent started with setsid is stopped when the run ends")
    func setsidDescendant() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") || FileManager.default.isExecutableFile(atPath: "/bin/setsid") else {
            print("SKIPPED agent bounds/setsidDescendant: setsid (util-linux) is not installed")
            return
        }
        let repo = try TestRepo.withAgent([:])
        let pidFile = repo.scratch + "/escaped.pid"
        let agent = try repo.agentScript("escape.sh", """
            setsid sleep 300 >/dev/null 2>&1 &
            echo $! > \(pidFile)
            sleep 0.3
            exit 0
            """)
        try repo.orchestrateOK("add", "Escape")
        let run = try repo.orchestrate("run", "T1", "--", agent)
        #expect(run.status == 0, "\(run)")
        let pid = try #require(Int32(readText(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        // It really left the agent's process group (else this test proves nothing).
        #expect(!processIsAlive(pid) || getpgid(pid) == pid)
        #expect(eventually(within: 5) { !processIsAlive(pid) }, "the setsid'd sleep \(pid) outlived the run")
        if processIsAlive(pid) { kill(pid, SIGKILL) }
    }
}
