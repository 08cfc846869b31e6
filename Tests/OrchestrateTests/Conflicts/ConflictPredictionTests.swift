import Foundation
import OrchestrateTestSupport
import Testing

@Suite("conflict prediction")
struct ConflictPredictionTests {
    static let lines = (1...9).map { "line \($0)\n" }.joined()

    static func edit(_ line: Int, to text: String) -> String {
        (1...9).map { $0 == line ? "\(text)\n" : "line \($0)\n" }.joined()
    }

    @Test("pairs and target conflicts agree with git merge-tree, and nothing is touched")
    func agreesWithGit() throws {
        let repo = try TestRepo.forMerge(files: ["a.txt": Self.lines, "b.txt": Self.lines, "README.md": "hello\n"])
        let t1 = try repo.approvedTask("T1 edits a:1", files: [("a.txt", Self.edit(1, to: "one"))])
        let t2 = try repo.approvedTask("T2 edits a:1 too", files: [("a.txt", Self.edit(1, to: "uno"))], approve: false)
        let t3 = try repo.approvedTask("T3 edits a:8", files: [("a.txt", Self.edit(8, to: "eight"))])
        let t4 = try repo.approvedTask("T4 adds a file", files: [("d.txt", "d\n")])
        let t5 = try repo.approvedTask("T5 adds file dir", files: [("dir", "a file\n")], approve: false)
        let t6 = try repo.approvedTask("T6 adds dir/x.txt", files: [("dir/x.txt", "x\n")])
        let t7 = try repo.approvedTask("T7 edits b:2", files: [("b.txt", Self.edit(2, to: "mine"))])
        // The target moves under T7 with a different line 2.
        try repo.commit("b.txt", Self.edit(2, to: "theirs"), message: "external")
        let ids = [t1.id, t2.id, t3.id, t4.id, t5.id, t6.id, t7.id]

        let refsBefore = try repo.git("for-each-ref")
        let logBefore = try repo.orchestrateOK("log", "--format", "json")
        let statusBefore = try ids.map { try repo.git("status", "--porcelain", in: repo.worktreeRoot + "/" + $0) }

        let result = try repo.orchestrate("conflicts", "--format", "json")
        #expect(result.status == 0, "\(result)")
        let report = try #require(try TestRepo.json(result.stdout) as? [String: Any])
        #expect(report["tasks"] as? [String] == ids)
        let pairs = (report["pairs"] as? [[String: Any]] ?? []).map { ($0["tasks"] as? [String] ?? [], $0["paths"] as? [String] ?? []) }
        let predicted = Set(pairs.map { $0.0.joined(separator: "+") })
        #expect(predicted == ["\(t1.id)+\(t2.id)", "\(t5.id)+\(t6.id)"], "\(pairs)")
        #expect(pairs.first { $0.0 == [t1.id, t2.id] }?.1 == ["a.txt"])
        let withTarget = (report["withTarget"] as? [[String: Any]] ?? []).map { ($0["task"] as? String ?? "", $0["paths"] as? [String] ?? []) }
        #expect(withTarget.map(\.0) == [t7.id] && withTarget.first?.1 == ["b.txt"], "\(withTarget)")
        // Only pairs whose paths meet were merged: {1,2,3} share a.txt (3 pairs), {5,6} meet at dir.
        #expect(report["pairsMerged"] as? Int == 4)

        // The oracle: git's own merge of every pair of branches, and of each branch with main.
        for i in ids.indices {
            for j in ids.indices where j > i {
                let git = try repo.gitResult("merge-tree", "--write-tree", "orchestrate/\(ids[i])", "orchestrate/\(ids[j])")
                let conflicts = predicted.contains("\(ids[i])+\(ids[j])")
                #expect((git.status == 1) == conflicts, "\(ids[i]) with \(ids[j]): git says \(git.status), we say \(conflicts)")
            }
            let git = try repo.gitResult("merge-tree", "--write-tree", "main", "orchestrate/\(ids[i])")
            #expect((git.status == 1) == withTarget.contains { $0.0 == ids[i] }, "\(ids[i]) with main: git says \(git.status)")
        }

        // A read: no ref, worktree or audit event changed.
        #expect(try repo.git("for-each-ref") == refsBefore)
        #expect(try repo.orchestrateOK("log", "--format", "json") == logBefore)
        #expect(try ids.map { try repo.git("status", "--porcelain", in: repo.worktreeRoot + "/" + $0) } == statusBefore)
        #expect(try repo.git("status", "--porcelain") == "")

        let status = try #require(try TestRepo.json(repo.orchestrateOK("status", "--format", "json")) as? [String: Any])
        #expect(status["predictedConflicts"] as? Int == 3, "two pairs and one task against the tip")
        #expect(try repo.orchestrateOK("status").contains("predicted conflicts: 3"))

        let table = try repo.orchestrate("conflicts")
        #expect(table.status == 0)
        #expect(table.stdout.contains("\(t1.id)  ") && table.stdout.contains("a.txt"), "\(table.stdout)")
        #expect(table.stdout.contains("main ("), "\(table.stdout)")
    }

    @Test("running tasks are compared only when asked; none waiting says so")
    func runningOnlyWhenAsked() throws {
        let repo = try TestRepo.forMerge(files: ["a.txt": Self.lines])
        let id = try repo.orchestrateOK("add", "running one")
        let worktree = try repo.orchestrateOK("start", id)
        try repo.commit("a.txt", Self.edit(3, to: "three"), in: worktree)
        _ = try repo.approvedTask("waiting", files: [("a.txt", Self.edit(3, to: "tres"))])

        let plain = try repo.orchestrate("conflicts")
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("no predicted conflicts among 1 task"), "\(plain.stdout)")

        let all = try TestRepo.json(repo.orchestrateOK("conflicts", "--include-running", "--format", "json")) as? [String: Any]
        let pairs = all?["pairs"] as? [[String: Any]] ?? []
        #expect(pairs.count == 1 && (pairs.first?["paths"] as? [String]) == ["a.txt"], "\(pairs)")
    }
}
