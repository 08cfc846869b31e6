import Foundation
import OrchestrateGit
import OrchestrateModel
import OrchestrateStore
import OrchestrateTestSupport
import Testing

/// A measurement, not a timed test: runs only with `ORCHESTRATE_BENCH=<tasks>` and prints the
/// figures (it still fails if any landing fails). Landing N independent single-commit tasks
/// with `merge --no-checks` against the `merge-tree` + `commit-tree` + `update-ref` script.
@Suite("merge buffer speed", .enabled(if: ProcessInfo.processInfo.environment["ORCHESTRATE_BENCH"] != nil))
struct MergeSpeedBench {
    @Test("N single-commit tasks: merge vs a merge-tree script")
    func landMany() throws {
        let count = Int(ProcessInfo.processInfo.environment["ORCHESTRATE_BENCH"] ?? "") ?? 200
        var files: [String: String] = [:]
        for i in 0..<2000 { files["src/d\(i % 50)/f\(i).txt"] = "file \(i)\n" }
        let repo = try TestRepo.forMerge(files: files)
        let script = try TestRepo.forMerge(files: files)
        for r in [repo, script] {
            let base = try r.revParse("main")
            let git = try Repository.open(at: r.path)
            let sig = Signature(name: "Ada Author", email: "ada@example.com", time: Date(timeIntervalSince1970: 1_767_225_600))
            var heads: [(String, ObjectID)] = []
            for i in 0..<count {
                // A commit changing one file, made with the plumbing (no worktree needed).
                try r.write("src/d\(i % 50)/f\(i).txt", "file \(i) changed by task\n")
                try r.git("add", "src/d\(i % 50)/f\(i).txt")
                let tree = try r.git("write-tree").trimmingCharacters(in: .whitespacesAndNewlines)
                try r.git("reset", "-q", "--", "src/d\(i % 50)/f\(i).txt")
                try r.git("checkout", "--", "src/d\(i % 50)/f\(i).txt")
                let commit = try git.createCommit(
                    tree: try #require(ObjectID(hex: tree)), parents: [try #require(ObjectID(hex: base))], author: sig, committer: sig,
                    message: "task \(i)")
                heads.append(("B\(i)", commit))
            }
            if r === repo {
                let store = try Store(path: r.path + "/.git/orchestrate/orchestrate.sqlite")
                try store.write { tx in
                    for (name, head) in heads {
                        let id = try #require(TaskID(name))
                        try tx.insertTask(TaskRecord(
                            id: id, title: name, state: .approved, branch: "orchestrate/\(name)", base: base, head: head.hex,
                            createdAt: tx.now, updatedAt: tx.now))
                        try git.setReference("refs/heads/orchestrate/\(name)", to: head, expecting: nil, message: "bench")
                        let event = try tx.appendAudit(NewAuditEvent(kind: .approved, task: id, oid: head.hex, actor: "bench"))
                        try tx.insertApproval(ApprovalRecord(
                            oid: head.hex, approver: "bench", task: id, tree: try git.treeOf(head).hex,
                            patchId: try git.patchID(from: try #require(ObjectID(hex: base)), to: head), base: base, time: tx.now, comment: nil),
                            auditSeq: event.seq)
                    }
                }
            } else {
                for (name, head) in heads { try git.setReference("refs/heads/\(name)", to: head, expecting: nil, message: "bench") }
            }
        }
        // ORCHESTRATE_BENCH_DETACHED: the target is not checked out (the script never updates
        // a checkout; the merge buffer does when the target is checked out).
        if ProcessInfo.processInfo.environment["ORCHESTRATE_BENCH_DETACHED"] != nil {
            for r in [repo, script] { try r.git("checkout", "-q", "--detach") }
        }
        let start = Date()
        let result = try repo.orchestrate("merge", "--no-checks", "--format", "json")
        let ours = Date().timeIntervalSince(start)
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let shell = """
            for i in $(seq 0 \(count - 1)); do
              old=$(git rev-parse main)
              tree=$(git merge-tree --write-tree main B$i) || exit 1
              new=$(git commit-tree "$tree" -p "$old" -m "task $i")
              git update-ref refs/heads/main "$new" "$old"
            done
            """
        let s2 = Date()
        let scripted = try runProcess(["sh", "-c", shell], cwd: script.path, environment: script.environment)
        let theirs = Date().timeIntervalSince(s2)
        #expect(scripted.status == 0, "\(scripted)")
        #expect(try repo.git("rev-parse", "main^{tree}") == script.git("rev-parse", "main^{tree}"))
        print(String(format: "bench: %d landings: merge %.1f ms/landing, merge-tree script %.1f ms/landing", count, ours * 1000 / Double(count), theirs * 1000 / Double(count)))
    }
}
