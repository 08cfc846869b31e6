import Foundation
import OrchestrateTestSupport
import Testing

@Suite("status shows the merge order")
struct StatusMergeOrderTests {
    @Test("dependencies first, then priority, as merge will land them")
    func mergeOrder() throws {
        let repo = try TestRepo.forMerge()
        let base = try repo.approvedTask("Base", files: [("base.txt", "b\n")])
        _ = try repo.approvedTask("Low", files: [("low.txt", "l\n")])
        try repo.orchestrateOK("add", "Urgent on base", "--priority", "urgent", "--depends-on", base.id)
        let worktree = try repo.orchestrateOK("start", "T3", "--stack")
        try repo.commit("urgent.txt", "u\n", in: worktree)
        try repo.orchestrateOK("submit", "T3")
        try repo.orchestrateOKAs("Rita Reviewer <rita@example.com>", "approve", "T3")
        let status = try #require(try TestRepo.json(repo.orchestrateOK("status", "--format", "json")) as? [String: Any])
        #expect(status["mergeOrder"] as? [String] == ["T1", "T3", "T2"])
        #expect(try repo.orchestrateOK("status").contains("merge order: T1 → T3 → T2"))
        let landed = try repo.orchestrate("merge", "--no-checks")
        #expect(landed.stdout.split(separator: "\n").map { $0.split(separator: "\t").first.map(String.init) ?? "" } == ["T1", "T3", "T2"])
    }
}
