import Foundation
import OrchestrateTestSupport
import Testing

/// Kills `merge` with SIGKILL on the 24-task fixture at fault-injection points and at random
/// instants, then runs `merge` and `doctor --repair`, and checks that nothing was lost and that
/// the end is the end of an uninterrupted run. A representative subset runs in the suite;
/// `ORCHESTRATE_FULL_CRASH_MATRIX=1` runs every point at every landing index plus 20 seeded
/// random instants. The fixture has checks, so `merge` lands it in batches (`merge.batchSize`
/// 20: two batches, each landed with one move of main): every point is reached once per
/// landing all the same, and `#n` is the n-th landing.
@Suite("merge buffer crash matrix", .serialized)
struct MergeCrashMatrixTests {
    static let points = [
        "before-branch-move", "before-worktree-reset", "after-journal", "after-target-move",
        "before-checkout-update", "before-cleanup", "before-slot-reset",
    ]

    @Test("item 1: killed before moving the 5th rebased branch, the next merge never moves main backwards")
    func targetNeverMovesBackwards() throws {
        let fixture = try CrashFixture()
        let repo = fixture.repo
        let merge = try BackgroundMerge(repo, pause: "before-branch-move#5")
        #expect(try merge.pausedOrEnded(), "the merge reaches the 5th branch move")
        merge.kill9()
        let tipAtKill = try repo.revParse("main")
        _ = try repo.orchestrate("merge")
        let after = try repo.revParse("main")
        #expect(try repo.gitResult("merge-base", "--is-ancestor", tipAtKill, after).status == 0, "main still contains \(tipAtKill)")
        try checkNothingLost(fixture, expected: nil, label: "before-branch-move#5")
    }

    @Test("a kill at each fault-injection point (first and 9th time) and at seeded random instants: merge + doctor --repair end as an uninterrupted run")
    func crashMatrix() throws {
        let fixture = try CrashFixture()
        let full = ProcessInfo.processInfo.environment["ORCHESTRATE_FULL_CRASH_MATRIX"] == "1"
        let whole = try wholeRun(fixture)
        var trials = 0
        for point in Self.points {
            var index = 1
            while true {
                if !full && ![1, 9].contains(index) {
                    if index > 9 { break }
                    index += 1
                    continue
                }
                try fixture.restore()
                let merge = try BackgroundMerge(fixture.repo, pause: "\(point)#\(index)")
                guard try merge.pausedOrEnded() else { merge.kill9(); break }
                merge.kill9()
                try checkNothingLost(fixture, expected: whole, label: "\(point)#\(index)")
                trials += 1
                index += 1
            }
        }
        var generator = SeededGenerator(state: 12)
        for _ in 0..<(full ? 20 : 2) {
            try fixture.restore()
            // A fixed range (not the measured run time), so that a seed replays the same instants.
            let delay = UInt32.random(in: 100_000...1_500_000, using: &generator)
            let merge = try BackgroundMerge(fixture.repo, pause: nil)
            usleep(delay)
            merge.kill9()
            try checkNothingLost(fixture, expected: whole, label: "random \(delay) µs")
            trials += 1
        }
        print("crash matrix: \(trials) trials, full=\(full), an uninterrupted merge takes \(whole.microseconds / 1000) ms")
    }

    struct WholeRun {
        var state: MergeEndState
        var microseconds: UInt32
    }

    private func wholeRun(_ fixture: CrashFixture) throws -> WholeRun {
        try fixture.restore()
        let start = Date()
        _ = try fixture.repo.orchestrate("merge")
        let elapsed = UInt32(Date().timeIntervalSince(start) * 1_000_000)
        return WholeRun(state: try MergeEndState(fixture.repo, tasks: fixture.tasks), microseconds: elapsed)
    }

    /// After a kill: `merge`, `doctor --repair`, then every promise of issue 12.
    private func checkNothingLost(_ fixture: CrashFixture, expected: WholeRun?, label: String) throws {
        let repo = fixture.repo
        let tips = try repo.git("reflog", "show", "--format=%H", "refs/heads/main").split(separator: "\n").map(String.init)
        let merged = try repo.orchestrate("merge")
        let repaired = try repo.orchestrate("doctor", "--repair")
        let onMain = Set(try repo.git("rev-list", "main").split(separator: "\n").map(String.init))
        let lost = tips.filter { !onMain.contains($0) }
        #expect(lost.isEmpty, "\(label): main lost its old tips \(lost)\n\(merged)\n\(repaired)")
        #expect(try repo.git("status", "--porcelain") == "", "\(label): the main checkout is clean\n\(merged)\n\(repaired)")
        #expect(try repo.gitResult("diff", "--quiet", "HEAD").status == 0, "\(label): the main checkout equals the tip")
        let subjects = try repo.subjects()
        for subject in Set(subjects) { #expect(subjects.filter { $0 == subject }.count == 1, "\(label): \(subject) landed once") }
        let states = try MergeEndState.states(repo)
        for (task, head) in zip(fixture.tasks, fixture.heads) {
            let state = states[task]
            guard state != "merged" else {
                let branch = try repo.gitResult("rev-parse", "--verify", "-q", "refs/heads/orchestrate/\(task)")
                #expect(branch.status != 0, "\(label): the landed \(task)'s branch is cleaned up, as an uninterrupted run does")
                continue
            }
            // Work that did not land stays on its branch: the approved commit, or the merge
            // buffer's rebase of it (built on main, so its tree differs only by main's work).
            let now = try repo.gitResult("rev-parse", "--verify", "-q", "orchestrate/\(task)").stdout
            let kept = try repo.gitResult("merge-base", "--is-ancestor", head, "orchestrate/\(task)").status == 0
                || repo.gitResult("merge-base", "--is-ancestor", "main", "orchestrate/\(task)").status == 0
            #expect(!now.isEmpty && kept, "\(label): \(task) (\(state ?? "?")) still holds its work")
        }
        #expect(try repo.orchestrate("audit", "verify").status == 0, "\(label): audit verify")
        #expect(try repo.gitResult("fsck", "--no-dangling").status == 0, "\(label): git fsck")
        let doctor = try repo.orchestrate("doctor")
        #expect(doctor.status == 0, "\(label): doctor is satisfied after the repair\n\(doctor)")
        if let expected {
            let end = try MergeEndState(repo, tasks: fixture.tasks)
            #expect(end == expected.state, "\(label): the end equals an uninterrupted run's\n\(merged)\n\(repaired)")
        }
    }
}
