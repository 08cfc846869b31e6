import Foundation
import OrchestrateTestSupport
import Testing

/// The 24-task repository the crash tests kill `merge` in: independent tasks, two that clash
/// (the second conflicts once the first landed), two that edit one file at different lines (a
/// clean three-way merge), a stacked chain of three — with a check configured, so that every
/// rebased task's branch and worktree move before it lands. Built once per test, then restored
/// from a copy in place before each trial (worktrees and the database hold absolute paths).
final class CrashFixture {
    let repo: TestRepo
    private(set) var tasks: [String] = []
    /// Each task's branch head as built (approved).
    private(set) var heads: [String] = []
    private let snapshot: String

    init(checks: Bool = true) throws {
        let shared = (1...20).map { "line \($0)\n" }.joined()
        repo = try TestRepo.forMerge(files: ["README.md": "hello\n", "shared.txt": shared, "clash.txt": "base\n"])
        snapshot = repo.scratch + ".snapshot"
        if checks {
            try repo.commitConfig("""
                {"checks": [{"name": "true", "command": ["true"]}]}
                """, message: "a check")
        }
        for i in 1...8 { tasks.append(try repo.approvedTask("Independent \(i)", files: [("f\(i).txt", "f\(i)\n")]).id) }
        tasks.append(try repo.approvedTask("Clash A", files: [("clash.txt", "A\n")]).id)
        tasks.append(try repo.approvedTask("Clash B", files: [("clash.txt", "B\n")]).id)
        tasks.append(try repo.approvedTask("Early line", files: [("shared.txt", shared.replacingOccurrences(of: "line 2\n", with: "line two\n"))]).id)
        tasks.append(try repo.approvedTask("Late line", files: [("shared.txt", shared.replacingOccurrences(of: "line 18\n", with: "line eighteen\n"))]).id)
        let s1 = try repo.approvedTask("Stack 1", files: [("s1.txt", "s1\n")]).id
        let s2 = try repo.approvedTask("Stack 2", files: [("s2.txt", "s2\n")], dependsOn: [s1], stack: true).id
        let s3 = try repo.approvedTask("Stack 3", files: [("s3.txt", "s3\n")], dependsOn: [s2], stack: true).id
        tasks += [s1, s2, s3]
        for i in 9...17 { tasks.append(try repo.approvedTask("Independent \(i)", files: [("g\(i).txt", "g\(i)\n")]).id) }
        // Something landed on main after the tasks started: every task but a stacked one is rebased.
        try repo.commit("external.txt", "x\n", message: "external")
        heads = try tasks.map { try repo.revParse("orchestrate/\($0)") }
        try copy(repo.scratch, to: snapshot)
    }

    deinit { try? FileManager.default.removeItem(atPath: snapshot) }

    /// Puts the repository, its worktrees and its database back as they were when built.
    func restore() throws {
        // The killed run's detached trash emptier may still be deleting in there: `rm -rf`
        // tolerates files vanishing under it (FileManager's removal throws), and is repeated
        // until the folder is gone.
        for _ in 0..<20 where FileManager.default.fileExists(atPath: repo.scratch) {
            _ = try runProcess(["rm", "-rf", repo.scratch], cwd: "/", environment: repo.environment)
            if FileManager.default.fileExists(atPath: repo.scratch) { usleep(100_000) }
        }
        try copy(snapshot, to: repo.scratch)
    }

    private func copy(_ from: String, to: String) throws {
        let result = try runProcess(["cp", "-a", from, to], cwd: "/", environment: repo.environment)
        guard result.status == 0 else { throw TestFailure("cp failed: \(result)") }
    }
}

/// What a repository looks like after merging, for comparing a crashed run with a whole one.
struct MergeEndState: Equatable, CustomStringConvertible {
    var tree: String
    var subjects: [String]
    var states: [String]

    init(_ repo: TestRepo, tasks: [String]) throws {
        tree = try repo.revParse("main^{tree}")
        subjects = try repo.subjects()
        states = try MergeEndState.states(repo).filter { tasks.contains($0.key) }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// Every task's state, from one `list --format json`.
    static func states(_ repo: TestRepo) throws -> [String: String] {
        let list = try TestRepo.json(repo.orchestrateOK("list", "--format", "json")) as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.compactMap { task in
            (task["id"] as? String).map { ($0, task["state"] as? String ?? "?") }
        })
    }

    var description: String { "tree \(tree)\nsubjects \(subjects)\nstates \(states)" }
}

extension BackgroundMerge {
    /// Waits until the merge pauses (true) or ends without reaching the pause (false).
    func pausedOrEnded() throws -> Bool {
        for _ in 0..<1200 {
            if let data = FileManager.default.contents(atPath: errFile), String(decoding: data, as: UTF8.self).contains("paused at") {
                return true
            }
            if !process.isRunning {
                let text = FileManager.default.contents(atPath: errFile).map { String(decoding: $0, as: UTF8.self) } ?? ""
                return text.contains("paused at")
            }
            usleep(20_000)
        }
        throw TestFailure("merge neither paused nor ended in 24 s")
    }
}
