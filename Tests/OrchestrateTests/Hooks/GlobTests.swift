import OrchestrateCore
import Testing

@Suite("glob")
struct GlobTests {
    @Test("* and ? stay in one segment, ** crosses them, classes and folders")
    func semantics() {
        #expect(Glob.matches("release/*", "release/1.0"))
        #expect(!Glob.matches("release/*", "release/1.0/hotfix"))
        #expect(Glob.matches("release/**", "release/1.0/hotfix"))
        #expect(Glob.matches("main", "main"))
        #expect(!Glob.matches("main", "main2"))
        #expect(Glob.matches("v?.[0-9]", "v1.2"))
        #expect(!Glob.matches("v[!0-9]", "v1"))
        #expect(Glob.covers("src/**", path: "src/a/b.swift"))
        #expect(Glob.covers("**/*.md", path: "README.md"))
        #expect(Glob.covers("**/*.md", path: "docs/x/y.md"))
        #expect(!Glob.covers("src/*.swift", path: "src/a/b.swift"))
        #expect(Glob.covers("docs", path: "docs/a.md"))
        #expect(Glob.covers("docs/", path: "docs/a/b.md"))
        #expect(!Glob.covers("docs", path: "docsx/a.md"))
    }
}
