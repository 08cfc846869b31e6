import Foundation
import OrchestrateCore
import OrchestrateModel
import OrchestrateStore
import OrchestrateTestSupport
import Testing

@Suite("revert of landed tasks")
struct RevertTests {
    func orchestrator(_ repo: TestRepo) throws -> Orchestrator {
        let context = Context(environment: repo.environment, clock: { Date() }, stdout: { _ in }, stderr: { _ in })
        return try Orchestrator.open(context, repositoryAt: repo.path)
    }

    @Test("reverting a landed task restores the tree; dependents need --cascade and go first")
    func revertCascade() throws {
        let repo = try TestRepo.forMerge()
        let before = try repo.revParse("main^{tree}")
        let t1 = try repo.approvedTask("Edit", files: [("README.md", "changed\n"), ("a.txt", "a\n")])
        let t2 = try repo.approvedTask("On top", files: [("b.txt", "b\n")], dependsOn: [t1.id], stack: true)
        try repo.orchestrateOK("merge")
        let landedTip = try repo.revParse("main")

        let orchestrator = try orchestrator(repo)
        let id = try #require(TaskID(t1.id))
        #expect(throws: OrchestrateError.self) { try orchestrator.revertLandedTask(id, reason: "broke the build", cascade: false) }
        #expect(try repo.revParse("main") == landedTip, "a refused revert moves nothing")

        let report = try orchestrator.revertLandedTask(id, reason: "broke the build", cascade: true)
        #expect(report.reverted.map(\.rawValue) == [t2.id, t1.id])
        #expect(try repo.revParse("main^{tree}") == before)
        #expect(repo.read("README.md") == "hello\n" && repo.read("b.txt") == nil, "the checkout follows")
        #expect(try repo.git("status", "--porcelain") == "")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "reverted")
        #expect(try repo.taskJSON(t2.id)["state"] as? String == "reverted")
        #expect(try repo.auditKinds(task: t1.id).contains("reverted"))
        let reverts = try repo.git("rev-list", "\(landedTip)..main").split(separator: "\n").map(String.init)
        #expect(reverts.count == 3)
        let cleared = try orchestrator.store.read { try $0.clearedCommits(among: reverts) }
        #expect(cleared.count == 3 && cleared.values.allSatisfy { $0.reason == .reverted })
        try repo.orchestrateOK("audit", "verify")
    }
}
