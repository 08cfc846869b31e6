import Foundation
import OrchestrateTestSupport
import Testing

/// Guards the fast worktree creation used by `start`: whatever it does to be quick, git must
/// see exactly what `git worktree add` would have made.
@Suite("spawn worktree")
struct SpawnWorktreeTests {
    /// Nested folders, an executable file, a symlink and an empty-ish deep path.
    static let files: [String: String] = {
        var files: [String: String] = ["README.md": "hello\n"]
        for i in 0..<60 {
            files["src/m\(i % 3)/p\(i % 5)/q\(i % 2)/file\(i).txt"] = "file \(i)\nline two\n"
        }
        files["a/very/deep/folder/chain/leaf.txt"] = "leaf\n"
        files["tools/run.sh"] = "#!/bin/sh\necho run\n"
        return files
    }()

    @Test("a worktree made by start is clean per git status and listed by git worktree list")
    func cleanAndListed() throws {
        let repo = try TestRepo(files: Self.files)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/tools/run.sh")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/link", withDestinationPath: "README.md")
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "exec bit and symlink")
        try repo.orchestrateOK("init", "--no-hooks")
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "config")
        try repo.orchestrateOK("add", "Spawned")
        let worktree = try repo.orchestrateOK("start", "T1")
        #expect(try repo.git("ls-files", "-s", "tools/run.sh", in: worktree).hasPrefix("100755"))

        let status = try repo.git("status", "--porcelain", "--untracked-files=all", "--ignored", in: worktree)
        #expect(status == "", "the new worktree is not clean:\n\(status)")
        // The index git reads must be complete and stat-fresh: a refresh changes nothing.
        let diffIndex = try repo.git("diff-index", "--name-only", "HEAD", in: worktree)
        #expect(diffIndex == "")
        let files = try repo.git("ls-files", in: worktree).split(separator: "\n")
        let mainFiles = try repo.git("ls-files").split(separator: "\n")
        #expect(files == mainFiles)
        #expect(try repo.git("rev-parse", "--abbrev-ref", "HEAD", in: worktree) == "orchestrate/T1\n")
        #expect(FileManager.default.isExecutableFile(atPath: worktree + "/tools/run.sh"))
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: worktree + "/link")
        #expect(link == "README.md")

        let porcelain = try repo.git("worktree", "list", "--porcelain")
        let blocks = porcelain.components(separatedBy: "\n\n").filter { $0.contains("worktree \(worktree)\n") }
        #expect(blocks.count == 1, "\(porcelain)")
        #expect(blocks.first?.contains("branch refs/heads/orchestrate/T1") == true, "\(porcelain)")
        #expect(blocks.first?.contains("prunable") == false)

        // git can work in it and remove it as one of its own.
        try repo.commit("src/m0/p0/q0/file0.txt", "changed\n", in: worktree)
        try repo.git("worktree", "remove", worktree)
        #expect(!FileManager.default.fileExists(atPath: worktree))
    }

    @Test("a tree with a submodule entry gives a clean worktree whose index keeps the entry")
    func submoduleFallsBack() throws {
        let repo = try TestRepo(files: ["README.md": "hello\n"])
        let pinned = try repo.revParse("HEAD")
        try repo.git("update-index", "--add", "--cacheinfo", "160000,\(pinned),vendor/lib")
        try repo.git("commit", "-q", "-m", "a submodule entry")
        try repo.orchestrateOK("init", "--no-hooks")
        try repo.git("add", ".augment-orchestrator.json")
        try repo.git("commit", "-q", "-m", "config")
        try repo.orchestrateOK("add", "Spawned")
        let worktree = try repo.orchestrateOK("start", "T1")
        #expect(try repo.git("status", "--porcelain", "--ignored", in: worktree) == "")
        #expect(try repo.git("ls-files", "-s", "vendor/lib", in: worktree).hasPrefix("160000 \(pinned)"))
        #expect(repo.read("README.md", in: worktree) == "hello\n")
    }

    @Test("with a .gitattributes that asks for filters, start still applies them")
    func filtersApplied() throws {
        let repo = try TestRepo(files: [
            ".gitattributes": "*.txt text eol=crlf\n", "sub/dir/a.txt": "one\ntwo\n", "README.md": "hi\n",
        ])
        try repo.orchestrateOK("init", "--no-hooks")
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "config")
        try repo.orchestrateOK("add", "Filtered")
        let worktree = try repo.orchestrateOK("start", "T1")
        #expect(repo.read("sub/dir/a.txt", in: worktree) == "one\r\ntwo\r\n")
        #expect(try repo.git("status", "--porcelain", in: worktree) == "")
    }

    @Test("a .gitattributes only in a subfolder is noticed during the checkout, and its filters applied")
    func nestedAttributes() throws {
        let repo = try TestRepo(files: [
            "sub/.gitattributes": "*.txt text eol=crlf\n", "sub/dir/a.txt": "one\ntwo\n", "b.txt": "three\n",
            "README.md": "hi\n",
        ])
        try repo.orchestrateOK("init", "--no-hooks")
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "config")
        try repo.orchestrateOK("add", "Filtered")
        let worktree = try repo.orchestrateOK("start", "T1")
        #expect(repo.read("sub/dir/a.txt", in: worktree) == "one\r\ntwo\r\n")
        #expect(repo.read("b.txt", in: worktree) == "three\n")
        #expect(try repo.git("status", "--porcelain", in: worktree) == "")
        let listed = try repo.git("worktree", "list", "--porcelain")
        #expect(listed.contains("worktree \(worktree)\n"))
        #expect(!listed.contains("prunable"))
    }
}
