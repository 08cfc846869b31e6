import Foundation
import OrchestrateTestSupport
import Testing

@testable import OrchestrateCore
@testable import OrchestrateGit
@testable import OrchestrateModel

/// The invariants are enforced where the refs move, whatever a caller asks: these call
/// `MergeBuffer` directly with the moves a bug would ask for.
@Suite("merge buffer invariants")
struct MergeBufferInvariantTests {
    private func open(_ repo: TestRepo) throws -> Orchestrator {
        try Orchestrator.open(
            Context(environment: repo.environment, clock: { Date() }, stdout: { _ in }, stderr: { _ in }),
            repository: Repository.open(at: repo.path))
    }

    @Test("moveTarget refuses a commit that does not contain the tip, naming the task and both commits; nothing is moved or journalled")
    func targetNeverMovesToANonDescendant() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("other.txt", "x\n", message: "external")
        let tip = try #require(ObjectID(hex: try repo.revParse("main")))
        let head = try #require(ObjectID(hex: try repo.revParse("orchestrate/\(t1.id)")))
        let orchestrator = try open(repo)
        let id = try #require(TaskID(t1.id))
        #expect {
            _ = try orchestrator.mergeBuffer.moveTarget(for: id, from: tip, to: head, payload: ["kind": "land"])
        } throws: { error in
            let message = (error as? OrchestrateError)?.message ?? ""
            return message.contains(t1.id) && message.contains(tip.hex) && message.contains(head.hex)
        }
        #expect(try repo.revParse("main") == tip.hex)
        #expect(try orchestrator.store.read { try $0.pendingMergeJournal() }.isEmpty)
        // A descendant is fine.
        #expect(try orchestrator.mergeBuffer.moveTarget(for: id, from: tip, to: tip, payload: ["kind": "land"]) != nil)
    }

    @Test("moveTaskBranch moves only from the commit read (compare-and-swap) to a commit built on the target")
    func taskBranchMovesOnlyFromWhatWasRead() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        let tip = try #require(ObjectID(hex: try repo.revParse("main")))
        let head = try #require(ObjectID(hex: try repo.revParse("orchestrate/\(t1.id)")))
        let base = try #require(ObjectID(hex: try repo.revParse("main~1")))
        let orchestrator = try open(repo)
        let id = try #require(TaskID(t1.id))
        let branch = "orchestrate/\(t1.id)"
        // Not built on the tip: refused.
        #expect(throws: OrchestrateError.self) {
            try orchestrator.mergeBuffer.moveTaskBranch(branch, of: id, from: head, to: base, onto: tip, message: "test")
        }
        // Someone moved the branch since it was read: refused, their commit kept.
        let theirs = try repo.commit("b.txt", "b\n", message: "more", in: t1.worktree)
        #expect(throws: OrchestrateError.self) {
            try orchestrator.mergeBuffer.moveTaskBranch(branch, of: id, from: head, to: tip, onto: tip, message: "test")
        }
        #expect(try repo.revParse(branch) == theirs)
    }
}
