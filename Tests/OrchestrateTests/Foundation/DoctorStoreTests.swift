import Foundation
import OrchestrateTestSupport
import Testing

/// Broken states of the state database and of lock files, each made by hand the way a crash,
/// a full disk or a stray tool leaves it, then found by `doctor` (and repaired where safe).
@Suite("doctor: database and locks")
struct DoctorStoreTests {
    func database(_ repo: TestRepo) -> String { repo.path + "/.git/orchestrate/orchestrate.sqlite" }

    @Test("a database with random bytes written into its middle is found damaged, with the way to recover")
    func randomBytesInTheMiddle() throws {
        let repo = try TestRepo(initialize: true)
        for n in 1...40 { try repo.write("tasks/\(n).txt", String(repeating: "Task number \(n) with a description of some length\n", count: 6)) }
        for n in 1...40 {
            try repo.orchestrateOK("add", "Task \(n)", "--description-file", repo.path + "/tasks/\(n).txt")
        }
        let db = database(repo)
        let checkpoint = try runProcess(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE)"], cwd: repo.path, environment: repo.environment)
        #expect(checkpoint.status == 0, "\(checkpoint)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int)
        let pages = size / 4096
        #expect(pages >= 4, "the fixture should span several pages, has \(pages)")
        // One whole page in the middle, overwritten with (seeded) random bytes.
        var generator = SeededGenerator(state: 12)
        let garbage = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: db))
        try handle.seek(toOffset: UInt64(pages / 2) * 4096)
        handle.write(garbage)
        try handle.close()

        let found = try repo.orchestrate("doctor")
        #expect(found.status == 1, "\(found)")
        #expect(found.stdout.contains("problem: the state database \(db) is damaged: SQLite's integrity check reports"), "\(found)")
        #expect(found.stdout.contains("run `git orchestrate init --new-database` to start an empty one — it keeps this file aside as \(db).replaced-<time>"), "\(found)")
        #expect(!found.stdout.contains("run `git orchestrate doctor`"), "doctor must not send the user to doctor: \(found)")
        let json = try TestRepo.json(try repo.orchestrate("doctor", "--format", "json").stdout) as? [String: Any]
        #expect(json?["healthy"] as? Bool == false)
        let audit = try repo.orchestrate("audit", "verify")
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.stderr.contains("error: the state database \(db) is damaged (SQLite's integrity check: "), "\(audit)")
        // --repair rebuilds the database from the approvals ledger (what every approval,
        // landing and reject was also written to), setting the damaged file aside untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let repair = try repo.orchestrate("doctor", "--repair")
        #expect(repair.status == 0, "\(repair)")
        #expect(repair.stdout.contains("repaired: rebuilt the state database from the approvals ledger"), "\(repair)")
        let aside = try #require(try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/orchestrate").first { $0.hasPrefix("orchestrate.sqlite.replaced-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/orchestrate/" + aside)) == before)
        let after = try repo.orchestrate("doctor")
        #expect(after.status == 0, "\(after)")
        #expect(after.stdout.contains("warning: an earlier state database was set aside at \(repo.path)/.git/orchestrate/\(aside)"), "\(after)")
    }

    @Test("a 0-byte database is never recreated empty while task branches exist; init --new-database sets it aside")
    func zeroByteDatabase() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        try repo.orchestrateOK("start", "T1")
        let db = database(repo)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        try Data().write(to: URL(fileURLWithPath: db))

        let list = try repo.orchestrate("list")
        #expect(list.status == 1, "\(list)")
        #expect(list.stderr == "error: the state database \(db) is empty (0 bytes) but git still has 1 task branch (orchestrate/T1), 1 task worktree (\(repo.worktreeRoot)/T1); this command will not start an empty one over them — run `git orchestrate doctor` for how to recover\n", "\(list)")
        #expect(try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int == 0, "nothing was written")
        let found = try repo.orchestrate("doctor")
        #expect(found.status == 1, "\(found)")
        #expect(found.stdout.contains("problem: the state database \(db) is empty (0 bytes), but git still has 1 task branch (orchestrate/T1)"), "\(found)")
        #expect(found.stdout.contains("git orchestrate init --new-database"), "\(found)")
        // A commit in the task's worktree (its hooks run) does not fill it either.
        let commit = try repo.gitResult("commit", "--allow-empty", "-q", "-m", "still working", in: repo.worktreeRoot + "/T1")
        #expect(commit.status == 0, "\(commit)")
        #expect(commit.stderr.contains("the hook will not start an empty one over them"), "\(commit)")
        #expect(try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int == 0, "nothing was written")
        let initAgain = try repo.orchestrate("init")
        #expect(initAgain.status == 1, "\(initAgain)")
        #expect(initAgain.stderr.contains("`git orchestrate init` will not start an empty one over them"), "\(initAgain)")

        // The way out the advice names: a new database, the old file kept aside.
        let fresh = try repo.orchestrate("init", "--new-database")
        #expect(fresh.status == 0, "\(fresh)")
        #expect(fresh.stderr.contains("note: moved the old state database aside to \(db).replaced-"), "\(fresh)")
        let stateDir = repo.path + "/.git/orchestrate"
        #expect(try FileManager.default.contentsOfDirectory(atPath: stateDir).contains { $0.hasPrefix("orchestrate.sqlite.replaced-") })
        // The new database is empty while the branch says a task existed: doctor keeps saying so.
        let after = try repo.orchestrate("doctor")
        #expect(after.status == 1, "\(after)")
        #expect(after.stdout.contains("problem: the state database \(db) records no task, but git has 1 task branch (orchestrate/T1)"), "\(after)")
    }

    @Test("a missing database with task refs left is reported as lost, not as 'not initialised'")
    func missingDatabase() throws {
        let repo = try TestRepo(initialize: true)
        let db = database(repo)
        // With no trace of tasks, a missing database just means git-orchestrate is not set up.
        try FileManager.default.removeItem(atPath: db)
        let plain = try repo.orchestrate("list")
        #expect(plain.status == 2)
        #expect(plain.stderr.contains("is not initialised"), "\(plain)")
        try repo.orchestrateOK("init")
        try repo.orchestrateOK("add", "One")
        let worktree = try repo.orchestrateOK("start", "T1")
        try repo.commit("work.txt", "work\n", in: worktree)
        try repo.orchestrateOK("cancel", "T1")
        try FileManager.default.removeItem(atPath: db)
        let list = try repo.orchestrate("list")
        #expect(list.status == 1, "\(list)")
        #expect(list.stderr.contains("error: the state database \(db) is missing but git still has 1 ref under refs/orchestrate/ (refs/orchestrate/rejected/T1/1)"), "\(list)")
        #expect(!FileManager.default.fileExists(atPath: db))
        let found = try repo.orchestrate("doctor", "--format", "json")
        #expect(found.status == 1)
        let json = try TestRepo.json(found.stdout) as? [String: Any]
        let messages = (json?["findings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.hasPrefix("the state database \(db) is missing, but git still has") }, "\(messages)")
    }

    @Test("an unreadable database gets its own error from commands, and doctor says what to do")
    func notADatabase() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        let db = database(repo)
        try Data(String(repeating: "not a database at all ", count: 300).utf8).write(to: URL(fileURLWithPath: db))
        let list = try repo.orchestrate("list")
        #expect(list.status == 1)
        #expect(list.stderr.contains("error: the state database \(db) is damaged (file is not a database); run `git orchestrate doctor` to see what is damaged and how to recover it"), "\(list)")
        let found = try repo.orchestrate("doctor")
        #expect(found.status == 1)
        #expect(found.stdout.contains("problem: the state database \(db) cannot be read as a database (file is not a database)"), "\(found)")
        #expect(found.stdout.contains("it keeps this file aside as \(db).replaced-<time>"), "\(found)")
    }

    @Test("a merge lock left by a killed merge is reported, taken over, and removed by --repair")
    func staleMergeLock() throws {
        let repo = try TestRepo(initialize: true)
        let lock = repo.path + "/.git/orchestrate/locks/merge.lock"
        try Data("999999\n".utf8).write(to: URL(fileURLWithPath: lock))
        let found = try repo.orchestrate("doctor")
        #expect(found.status == 1, "\(found)")
        #expect(found.stdout.contains("problem: the merge lock \(lock) was left by pid 999999, which is gone"), "\(found)")
        let repaired = try repo.orchestrate("doctor", "--repair")
        #expect(repaired.status == 0, "\(repaired)")
        #expect(repaired.stdout.contains("repaired: removed the stale merge lock \(lock), left by pid 999999"), "\(repaired)")
        #expect(!FileManager.default.fileExists(atPath: lock))
        // A merge takes a stale lock over and leaves no file behind.
        try Data("999999\n".utf8).write(to: URL(fileURLWithPath: lock))
        let merge = try repo.orchestrate("merge")
        #expect(merge.status == 0, "\(merge)")
        #expect(!FileManager.default.fileExists(atPath: lock))
        #expect(try repo.orchestrate("doctor").status == 0)
    }

    @Test("git's stale ref and index locks are named with the fix, and left for the user")
    func staleGitLocks() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "One")
        let worktree = try repo.orchestrateOK("start", "T1")
        let refLock = repo.path + "/.git/refs/heads/main.lock"
        let indexLock = repo.path + "/.git/worktrees/T1/index.lock"
        try Data().write(to: URL(fileURLWithPath: refLock))
        try Data().write(to: URL(fileURLWithPath: indexLock))
        let found = try repo.orchestrate("doctor")
        #expect(found.status == 1, "\(found)")
        #expect(found.stdout.contains("problem: git's lock file \(refLock) ("), "\(found)")
        #expect(found.stdout.contains("blocks every update of refs/heads/main, so no task can land; if no git command is running, remove it (`rm \(refLock)`)"), "\(found)")
        #expect(found.stdout.contains("git's lock file \(indexLock) (") && found.stdout.contains("blocks every update of the index of the worktree T1"), "\(found)")
        // The lock really blocks git: the finding is about something the user would hit.
        #expect(try repo.gitResult("commit", "--allow-empty", "-q", "-m", "x", in: worktree).status != 0)
        let repair = try repo.orchestrate("doctor", "--repair")
        #expect(repair.status == 1)
        #expect(repair.stdout.contains("left in place: git records no holder"), "\(repair)")
        #expect(FileManager.default.fileExists(atPath: refLock))
        try FileManager.default.removeItem(atPath: refLock)
        try FileManager.default.removeItem(atPath: indexLock)
        #expect(try repo.orchestrate("doctor").status == 0)
    }
}
