import Foundation
import OrchestrateTestSupport
import Testing

@Suite("demo")
struct DemoTests {
    @Test("the demo runs the whole flow: lands three tasks, holds back a conflict and a failed check")
    func wholeFlow() throws {
        let scratch = try TestRepo(files: [:])
        let dir = scratch.scratch + "/demo"
        let result = try scratch.orchestrate("demo", "--dir", dir)
        #expect(result.status == 0, "\(result)")
        let out = result.stdout
        #expect(out.contains("T1\tlanded"))
        #expect(out.contains("T3\tlanded"))
        #expect(out.contains("T2\tlanded"))
        #expect(out.contains("T4\tconflicted\tT4 conflicts with main in README.md"))
        #expect(out.contains("T5\tfailed\tT5 failed the check prices"))
        #expect(out.contains("audit trail intact"))
        #expect(out.contains("all 4 commits are approved"))
        // The sample repository is left for a look, and git agrees with what the demo said.
        let shop = dir + "/shop"
        let subjects = try scratch.git("log", "--format=%s", "main", in: shop)
        #expect(subjects.contains("Add bananas to the price list"))
        #expect(subjects.contains("Promote the shop to beta"))
        #expect(!subjects.contains("gamma"))
        #expect(try scratch.git("status", "--porcelain", in: shop).isEmpty)
    }

    @Test("a --dir that is not empty is refused and left alone")
    func refusesNonEmptyDir() throws {
        let scratch = try TestRepo(files: [:])
        try scratch.write("demo/mine.txt", "keep\n", in: scratch.scratch)
        let result = try scratch.orchestrate("demo", "--dir", scratch.scratch + "/demo")
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not empty"))
        #expect(scratch.read("demo/mine.txt", in: scratch.scratch) == "keep\n")
    }
}
