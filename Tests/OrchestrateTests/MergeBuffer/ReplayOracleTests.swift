import Foundation
import OrchestrateGit
import OrchestrateTestSupport
import Testing

/// A small deterministic generator (SplitMix64), so that every run tries the same pairs.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("replay vs git merge-tree")
struct ReplayOracleTests {
    static let textFiles = (0..<4).map { "dir\($0 % 2)/f\($0).txt" }

    /// One random edit of the work tree at `path`: line edits, adds, deletes, renames, binary
    /// files and mode changes.
    static func randomEdit(_ repo: TestRepo, _ rng: inout SeededGenerator, side: String) throws {
        let file = textFiles.randomElement(using: &rng) ?? "dir0/f0.txt"
        let full = repo.path + "/" + file
        let exists = FileManager.default.fileExists(atPath: full)
        switch Int.random(in: 0..<8, using: &rng) {
        case 0, 1, 2:
            guard exists, var lines = repo.read(file)?.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) else { return }
            let i = Int.random(in: 0..<max(1, lines.count - 1), using: &rng)
            lines[i] = "\(side) edit \(Int.random(in: 0..<3, using: &rng))"
            try repo.write(file, lines.joined(separator: "\n"))
        case 3:
            let name = "added\(Int.random(in: 0..<2, using: &rng)).txt"
            try repo.write(name, "added by \(Bool.random(using: &rng) ? side : "both")\n")
        case 4:
            if exists { try FileManager.default.removeItem(atPath: full) }
        case 5:
            if exists { try repo.git("mv", file, file + ".renamed") }
        case 6:
            try repo.git("update-index", "--chmod=\(Bool.random(using: &rng) ? "+x" : "-x")", "tool.sh")
            return
        default:
            var bytes = [UInt8](repeating: 0, count: 64)
            bytes[Int.random(in: 0..<64, using: &rng)] = UInt8.random(in: 1...255, using: &rng)
            try Data(bytes).write(to: URL(fileURLWithPath: repo.path + "/blob.bin"))
        }
    }

    @Test("a file both sides edited merges line by line on the fast path as git merge-tree does; a merge attribute is obeyed as git cherry-pick obeys it")
    func bothSidesEditedOneFile() throws {
        let lines = (1...20).map { "line \($0)" }
        let repo = try TestRepo(files: ["big/notes.txt": lines.joined(separator: "\n") + "\n"])
        let base = try repo.revParse("HEAD")
        func side(_ name: String, line: Int) throws -> String {
            try repo.git("checkout", "-q", "--detach", base)
            var edited = lines
            edited[line] = "\(name) was here"
            try repo.write("big/notes.txt", edited.joined(separator: "\n") + "\n")
            try repo.git("commit", "-q", "-am", name)
            return try repo.revParse("HEAD")
        }
        let ours = try side("ours", line: 1), theirs = try side("theirs", line: 18)
        let git = try Repository.open(at: repo.path)
        let oracle = try repo.gitResult("merge-tree", "--write-tree", "--no-messages", ours, theirs)
        let mine = try git.applyChange(
            ancestor: try #require(ObjectID(hex: base)), theirs: try #require(ObjectID(hex: theirs)), onto: try #require(ObjectID(hex: ours)))
        #expect(oracle.status == 0)
        #expect(mine == .clean(tree: try #require(ObjectID(hex: oracle.stdout.trimmingCharacters(in: .whitespacesAndNewlines))), method: .lines))

        // `merge=binary` in the checkout's .gitattributes says: never merge this file's lines.
        // `git rebase` there conflicts; so must we (the line merge must not bypass it).
        try repo.git("checkout", "-q", "--detach", ours)
        try repo.write(".gitattributes", "*.txt merge=binary\n")
        let rebase = try repo.gitResult("cherry-pick", theirs)
        #expect(rebase.status != 0, "\(rebase)")
        try repo.git("cherry-pick", "--abort")
        let mineBound = try git.applyChange(
            ancestor: try #require(ObjectID(hex: base)), theirs: try #require(ObjectID(hex: theirs)), onto: try #require(ObjectID(hex: ours)))
        #expect(mineBound == .conflict(paths: ["big/notes.txt"]))
    }

    @Test("same verdict and, when clean, the same tree as git merge-tree, for generated pairs")
    func differential() throws {
        var files: [String: String] = ["tool.sh": "#!/bin/sh\necho hi\n"]
        for f in ReplayOracleTests.textFiles { files[f] = (1...12).map { "\(f) line \($0)" }.joined(separator: "\n") + "\n" }
        let repo = try TestRepo(files: files)
        try Data([UInt8](repeating: 0, count: 64)).write(to: URL(fileURLWithPath: repo.path + "/blob.bin"))
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "binary")
        let base = try repo.revParse("HEAD")
        var rng = SeededGenerator(state: 20_261_121)
        var clean = 0, conflicts = 0, fast = 0
        var disagreements: [String] = []
        let git = try Repository.open(at: repo.path)
        for pair in 0..<(Int(ProcessInfo.processInfo.environment["ORACLE_PAIRS"] ?? "") ?? 40) {
            var sides: [String] = []
            for side in ["ours", "theirs"] {
                try repo.git("checkout", "-q", "--detach", base)
                for _ in 0..<Int.random(in: 1...3, using: &rng) { try ReplayOracleTests.randomEdit(repo, &rng, side: side) }
                try repo.git("add", "-A")
                try repo.git("commit", "-q", "--allow-empty", "-m", "\(side) \(pair)")
                sides.append(try repo.revParse("HEAD"))
            }
            let ours = try #require(ObjectID(hex: sides[0])), theirs = try #require(ObjectID(hex: sides[1]))
            let mine = try git.applyChange(ancestor: try #require(ObjectID(hex: base)), theirs: theirs, onto: ours)
            let oracle = try repo.gitResult("merge-tree", "--write-tree", "--no-messages", sides[0], sides[1])
            let oracleTree = oracle.stdout.split(separator: "\n").first.map(String.init) ?? ""
            switch mine {
            case .clean(let tree, let method):
                clean += 1
                let fastPath = method != .full
                if fastPath { fast += 1 }
                if oracle.status != 0 || tree.hex != oracleTree {
                    disagreements.append("pair \(pair): ours clean \(tree.short()) (fast \(fastPath)), git exit \(oracle.status) \(oracleTree.prefix(8))")
                }
            case .conflict(let paths):
                conflicts += 1
                if oracle.status != 1 { disagreements.append("pair \(pair): ours conflict \(paths), git clean \(oracleTree.prefix(8))") }
            }
        }
        print("oracle: clean \(clean) (fast \(fast)), conflicts \(conflicts)")
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        // The generator must exercise both verdicts and the fast path, or the test proves little.
        #expect(clean > 5 && conflicts > 5 && fast > 2, "clean \(clean), conflicts \(conflicts), fast \(fast)")
    }
}
