import Foundation
import OrchestrateGit
import OrchestrateTestSupport
import Testing

@Suite("git layer against the git CLI")
struct GitLayerTests {
    @Test("revwalk, merge-base, patch-id and changed files agree with git")
    func agreesWithGit() throws {
        let repo = try TestRepo()
        let base = try repo.revParse("HEAD")
        try repo.git("switch", "-q", "-c", "topic")
        try repo.commit("a/one.txt", "1\n2\n3\n")
        try repo.commit("README.md", "hello\nworld\n")
        let head = try repo.commit("a/two.bin", "\u{0}\u{1}binary")
        let git = try Repository.open(at: repo.path)
        let walk = try git.commits(from: [ObjectID(hex: head)!], hiding: [ObjectID(hex: base)!]).map(\.hex)
        let oracle = try repo.git("rev-list", "--reverse", "--topo-order", "\(base)..\(head)").split(separator: "\n").map(String.init)
        #expect(walk == oracle)
        #expect(try git.mergeBase(ObjectID(hex: head)!, ObjectID(hex: base)!)?.hex == base)
        // Text changes only: for binary files libgit2 hashes the content where git hashes the
        // line "Binary files differ" (documented in docs/review.md); both are stable across a rebase.
        for (from, to) in [(base, walk[0]), (walk[0], walk[1]), (base, walk[1])] {
            let patchID = try git.patchID(from: ObjectID(hex: from)!, to: ObjectID(hex: to)!)
            let diff = try repo.git("diff", from, to)
            let gitPatchID = try repo.gitResult("patch-id", "--stable", stdin: diff).stdout.split(separator: " ").first.map(String.init)
            #expect(patchID == gitPatchID, "\(from)..\(to)")
        }
        let files = try git.changedFiles(from: ObjectID(hex: base)!, to: ObjectID(hex: head)!)
        let numstat = try repo.git("diff", "--numstat", base, head)
        #expect(files.map(\.path).sorted() == ["README.md", "a/one.txt", "a/two.bin"])
        #expect(numstat.contains("3\t0\ta/one.txt"))
        #expect(files.first { $0.path == "a/one.txt" }?.insertions == 3)
        #expect(files.first { $0.path == "a/two.bin" }?.isBinary == true)
    }

    @Test("changed files agree with git in nested folders, across a file that became a folder, and under .gitattributes")
    func changedFilesNested() throws {
        let repo = try TestRepo(files: [
            "x/y/z/deep.txt": "1\n", "x/other.txt": "o\n", "x/y/same.txt": "s\n", "leaf": "file\n", "README.md": "r\n",
        ])
        let base = try repo.revParse("HEAD")
        try repo.write("x/y/z/deep.txt", "1\n2\n")
        try repo.git("rm", "-q", "leaf")
        try repo.write("leaf/inside.txt", "now a folder\n")
        try repo.write("x/new.txt", "a\nb\nc\n")
        try repo.write("bin.dat", "\u{0}\u{1}binary")
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "change")
        let head = try repo.revParse("HEAD")
        let git = try Repository.open(at: repo.path)

        func agree() throws {
            let files = try git.changedFiles(from: ObjectID(hex: base)!, to: ObjectID(hex: head)!)
            let numstat = try repo.git("diff", "--numstat", base, head).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            #expect(files.map(\.path).sorted() == numstat.map { $0[2] }.sorted())
            for row in numstat {
                let file = try #require(files.first { $0.path == row[2] })
                if row[0] == "-" {
                    #expect(file.isBinary, "\(row)")
                } else {
                    #expect(!file.isBinary && file.insertions == Int(row[0]) && file.deletions == Int(row[1]), "\(row) \(file)")
                }
            }
        }
        try agree()
        // An attributes file in the work tree makes text files binary for both.
        try repo.write("x/.gitattributes", "*.txt -diff\n")
        try agree()
        #expect(try git.changedFiles(from: ObjectID(hex: base)!, to: ObjectID(hex: head)!).first { $0.path == "x/new.txt" }?.isBinary == true)
    }

    @Test("compare-and-swap refuses a moved reference and names the error")
    func compareAndSwap() throws {
        let repo = try TestRepo()
        let first = try repo.revParse("HEAD")
        let second = try repo.commit("b.txt", "b\n")
        let git = try Repository.open(at: repo.path)
        let a = try #require(ObjectID(hex: first))
        let b = try #require(ObjectID(hex: second))
        #expect(throws: GitError.self) {
            try git.setReference("refs/heads/main", to: a, expecting: a, message: "stale")
        }
        do {
            try git.setReference("refs/heads/main", to: a, expecting: a, message: "stale")
        } catch GitError.Code.modified {
            // expected: main is at b, not a
        }
        try git.setReference("refs/heads/main", to: a, expecting: b, message: "rewind")
        #expect(try repo.revParse("refs/heads/main") == first)
        #expect(try repo.git("reflog", "-1", "--format=%gs", "main").contains("rewind"))
    }
}
