import Foundation
import OrchestrateGit
import OrchestrateTestSupport
import Testing

/// The merge buffer lands what `git rebase` would, and says what it did.
@Suite("merge buffer semantics")
struct MergeSemanticsTests {
    static let tenLines = (1...10).map { "line \($0)\n" }.joined()

    @Test("a rebase that changes only context lines: the branch is moved to the rebased commit, approving it once lands it as a fast-forward (no approval loop)")
    func contextOnlyRebase() throws {
        let repo = try TestRepo.forMerge(files: ["README.md": "hello\n", "notes.txt": Self.tenLines])
        let t1 = try repo.approvedTask("Edit line 5", files: [("notes.txt", Self.tenLines.replacingOccurrences(of: "line 5\n", with: "line five\n"))])
        let approved = try repo.revParse("orchestrate/\(t1.id)")
        // main edits line 3, inside the task's diff context: clean, but the patch id differs.
        try repo.commit("notes.txt", Self.tenLines.replacingOccurrences(of: "line 3\n", with: "line three\n"), message: "external")
        let first = try repo.orchestrate("merge")
        #expect(first.status == 1 && first.stdout.contains("\(t1.id)\tneedsApproval"), "\(first)")
        let rebased = try repo.revParse("orchestrate/\(t1.id)")
        #expect(rebased != approved, "the branch holds the rebased commit")
        #expect(try repo.gitResult("merge-base", "--is-ancestor", "main", rebased).status == 0)
        #expect(repo.read("notes.txt", in: t1.worktree)?.contains("line three") == true, "the worktree shows what will land")
        #expect(try repo.taskJSON(t1.id)["state"] as? String == "submitted")
        try ApprovalFixture.approve(repo, t1.id)
        let second = try repo.orchestrate("merge", "--format", "json")
        #expect(second.status == 0, "\(second)")
        let report = try #require(try TestRepo.json(second.stdout) as? [String: Any])
        let outcome = try #require((report["tasks"] as? [[String: Any]])?.first)
        #expect(outcome["result"] as? String == "landed")
        #expect(outcome["fastForward"] as? Bool == true, "no second rebase")
        #expect(try repo.revParse("main") == rebased, "exactly the approved commit landed")
    }

    @Test("commits that start empty are kept, as git rebase keeps them")
    func startEmptyKept() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")], approve: false)
        try repo.git("commit", "-q", "--allow-empty", "-m", "an empty note", in: t1.worktree)
        try repo.orchestrateOK("submit", t1.id)
        try ApprovalFixture.approve(repo, t1.id)
        try repo.commit("other.txt", "x\n", message: "external")
        // The oracle: git rebase of the same branch onto main.
        try repo.git("branch", "oracle", "orchestrate/\(t1.id)")
        try repo.git("rebase", "-q", "main", "oracle")
        let expected = try repo.subjects("oracle")
        try repo.git("checkout", "-q", "main")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(try repo.subjects() == expected)
        #expect(expected.last == "an empty note")
    }

    @Test("a merge commit inside a task is refused, even where a fast-forward would do: the task is reported failed, nothing moves")
    func mergeCommitRefused() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")], approve: false)
        try repo.git("checkout", "-q", "-b", "side", "HEAD~1", in: t1.worktree)
        try repo.commit("s.txt", "s\n", message: "side", in: t1.worktree)
        try repo.git("checkout", "-q", "orchestrate/\(t1.id)", in: t1.worktree)
        try repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side", in: t1.worktree)
        try repo.orchestrateOK("submit", t1.id)
        try ApprovalFixture.approve(repo, t1.id)
        let tip = try repo.revParse("main")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("\(t1.id)\tfailed") && result.stdout.contains("merge commit"), "\(result)")
        #expect(try repo.revParse("main") == tip)
    }

    @Test("a task whose change is already on the target is reported as landing no commits")
    func zeroCommitLanding() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.commit("a.txt", "a\n", message: "the same change, landed by hand")
        let tip = try repo.revParse("main")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\(t1.id)\tlanded\t\(t1.id) landed no commits"), "\(result)")
        #expect(try repo.revParse("main") == tip)
    }

    @Test("a task branch checked out in the main checkout is not deleted on landing")
    func branchCheckedOutElsewhereKept() throws {
        let repo = try TestRepo.forMerge()
        let t1 = try repo.approvedTask("Add a", files: [("a.txt", "a\n")])
        try repo.git("worktree", "remove", t1.worktree)
        try repo.git("checkout", "-q", "orchestrate/\(t1.id)")
        let result = try repo.orchestrate("merge")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("kept the branch"), "\(result)")
        #expect(try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/\(t1.id)").status == 0)
        #expect(try repo.git("symbolic-ref", "HEAD") == "refs/heads/orchestrate/\(t1.id)\n")
        #expect(try repo.git("status", "--porcelain") == "")
    }

    @Test("renames near git's 50% threshold: the same verdict and tree as git merge-tree (libgit2's similarity is not git's)")
    func renameThreshold() throws {
        for length in [12, 20] {
            let lines = (1...length).map { "f0.txt line \($0)" }
            let repo = try TestRepo(files: ["f0.txt": lines.joined(separator: "\n") + "\n"])
            let base = try repo.revParse("HEAD")
            let git = try Repository.open(at: repo.path)
            var disagreements: [String] = []
            for kept in (length / 4)...(length * 3 / 4) {
                // ours renames f0.txt keeping `kept` lines (about 25–75% similar); theirs edits
                // one line, makes the file executable, or both.
                try repo.git("checkout", "-q", "-f", "--detach", base)
                try repo.git("mv", "f0.txt", "moved.txt")
                let edited = lines.enumerated().map { $0.offset < kept ? $0.element : "main rewrote \($0.offset) completely" }
                try repo.write("moved.txt", edited.joined(separator: "\n") + "\n")
                try repo.git("add", "-A")
                try repo.git("commit", "-q", "-m", "rename \(kept)")
                let ours = try repo.revParse("HEAD")
                for variant in ["edit", "chmod", "both"] {
                    try repo.git("checkout", "-q", "-f", "--detach", base)
                    if variant != "chmod" {
                        var theirsLines = lines
                        theirsLines[1] = "task edit"
                        try repo.write("f0.txt", theirsLines.joined(separator: "\n") + "\n")
                        try repo.git("add", "f0.txt")
                    }
                    if variant != "edit" { try repo.git("update-index", "--chmod=+x", "f0.txt") }
                    try repo.git("commit", "-q", "-m", "\(variant) \(kept)")
                    let theirs = try repo.revParse("HEAD")
                    let oracle = try repo.gitResult("merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs)
                    let mine = try git.applyChange(
                        ancestor: try #require(ObjectID(hex: base)), theirs: try #require(ObjectID(hex: theirs)), onto: try #require(ObjectID(hex: ours)))
                    let oracleTree = oracle.stdout.split(separator: "\n").first.map(String.init) ?? ""
                    switch mine {
                    case .clean(let tree, _):
                        if oracle.status != 0 || tree.hex != oracleTree { disagreements.append("\(kept)/\(length) \(variant): ours clean, git exit \(oracle.status)") }
                    case .conflict:
                        if oracle.status != 1 { disagreements.append("\(kept)/\(length) \(variant): ours conflict, git clean") }
                    }
                }
            }
            #expect(disagreements.isEmpty, "\(disagreements)")
        }
    }
}
