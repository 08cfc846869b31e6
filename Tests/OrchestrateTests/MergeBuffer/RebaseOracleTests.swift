import Foundation
import OrchestrateTestSupport
import Testing

/// `merge` against `git rebase` (merge-ort) on generated histories: a task of a few commits and
/// a target that moved meanwhile, with renames near git's 50% threshold, mode changes, deletes
/// against edits, commits that start empty and edits in each other's context. The verdict must
/// agree (lands / conflicts), and a landing must give git's tree and git's list of commits.
@Suite("merge vs git rebase")
struct RebaseOracleTests {
    static let files = ["f0.txt", "f1.txt", "f2.txt"]

    /// One generated commit in `dir` (the main checkout or a task worktree).
    static func randomCommit(_ repo: TestRepo, in dir: String, _ rng: inout SeededGenerator, side: String, n: Int) throws {
        let file = files.randomElement(using: &rng) ?? "f0.txt"
        let exists = FileManager.default.fileExists(atPath: dir + "/" + file)
        let message = "\(side) \(n)"
        switch Int.random(in: 0..<7, using: &rng) {
        case 0, 1:
            guard exists, var lines = repo.read(file, in: dir)?.split(separator: "\n").map(String.init), !lines.isEmpty else { break }
            // Lines close to each other on both sides: clean merges whose context differs.
            lines[Int.random(in: 3..<min(9, lines.count), using: &rng)] = "\(side) edit \(n)"
            try repo.write(file, lines.joined(separator: "\n") + "\n", in: dir)
        case 2:
            guard exists, let text = repo.read(file, in: dir) else { break }
            // A rename keeping 4 to 8 of 12 lines: 33–67% similar, around git's threshold.
            let kept = Int.random(in: 4...8, using: &rng)
            let lines = text.split(separator: "\n").enumerated().map { $0.offset < kept ? String($0.element) : "\(side) rewrote \($0.offset) completely" }
            try repo.git("mv", file, "\(file).\(side)\(n)", in: dir)
            try repo.write("\(file).\(side)\(n)", lines.joined(separator: "\n") + "\n", in: dir)
        case 3:
            guard exists else { break }
            try repo.git("update-index", "--chmod=+x", file, in: dir)
            chmod(dir + "/" + file, 0o755)
        case 4:
            if exists { try repo.git("rm", "-q", file, in: dir) }
        case 5:
            try repo.git("commit", "-q", "--allow-empty", "-m", message + " (empty)", in: dir)
            return
        default:
            try repo.write("new-\(side)-\(n).txt", "added by \(side)\n", in: dir)
        }
        try repo.git("add", "-A", in: dir)
        try repo.git("commit", "-q", "--allow-empty", "-m", message, in: dir)
    }

    @Test("generated histories: merge --no-checks agrees with git rebase on verdict, tree and commits")
    func differential() throws {
        let count = Int(ProcessInfo.processInfo.environment["ORACLE_HISTORIES"] ?? "") ?? 8
        var rng = SeededGenerator(state: 20_261_201)
        var landed = 0, conflicted = 0
        var disagreements: [String] = []
        for history in 0..<count {
            var files: [String: String] = ["README.md": "hello\n"]
            for f in Self.files { files[f] = (1...12).map { "\(f) line \($0)" }.joined(separator: "\n") + "\n" }
            let repo = try TestRepo.forMerge(files: files)
            let id = try repo.orchestrateOK("add", "Task \(history)")
            let worktree = try repo.orchestrateOK("start", id)
            for n in 0..<Int.random(in: 1...3, using: &rng) { try Self.randomCommit(repo, in: worktree, &rng, side: "task", n: n) }
            for n in 0..<Int.random(in: 1...3, using: &rng) { try Self.randomCommit(repo, in: repo.path, &rng, side: "main", n: n) }
            try repo.orchestrateOK("submit", id)
            try ApprovalFixture.approve(repo, id)
            // The oracle, in a scratch worktree of its own.
            let oracleDir = repo.scratch + "/oracle"
            try repo.git("worktree", "add", "-q", "--detach", oracleDir, "orchestrate/\(id)")
            let rebase = try repo.gitResult("rebase", "-q", "main", in: oracleDir)
            let oracleTree = rebase.status == 0 ? try repo.revParse("HEAD^{tree}", in: oracleDir) : nil
            let oracleSubjects = rebase.status == 0 ? try repo.git("log", "--reverse", "--format=%s", "HEAD", in: oracleDir).split(separator: "\n").map(String.init).filter { $0.hasPrefix("task") } : []
            if rebase.status != 0 { _ = try repo.gitResult("rebase", "--abort", in: oracleDir) }
            var result = try repo.orchestrate("merge", "--no-checks")
            if result.stdout.contains("\tneedsApproval") {
                // The rebase changed the patch: the branch now holds it; approve what will land.
                try ApprovalFixture.approve(repo, id)
                result = try repo.orchestrate("merge", "--no-checks")
            }
            if result.stdout.contains("\tlanded") {
                landed += 1
                let tree = try repo.revParse("main^{tree}")
                let subjects = try repo.subjects().filter { $0.hasPrefix("task") }
                if tree != oracleTree || subjects != oracleSubjects {
                    disagreements.append("history \(history): landed \(tree.prefix(8)) \(subjects); git rebase \(rebase.status == 0 ? "\(oracleTree?.prefix(8) ?? "") \(oracleSubjects)" : "conflicted")")
                }
            } else if result.stdout.contains("\tconflicted") {
                conflicted += 1
                if rebase.status == 0 { disagreements.append("history \(history): conflicted, git rebase clean\n\(result)") }
            } else {
                disagreements.append("history \(history): \(result)")
            }
        }
        print("rebase oracle: \(count) histories, \(landed) landed, \(conflicted) conflicted")
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        #expect(landed > 0 && (count < 8 || conflicted > 0), "landed \(landed), conflicted \(conflicted)")
    }
}
