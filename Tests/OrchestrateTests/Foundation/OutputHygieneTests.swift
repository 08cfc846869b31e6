import Foundation
import OrchestrateTestSupport
import Testing

/// Text from users and agents cannot forge output or drive the terminal, and is never cut
/// silently.
@Suite("output hygiene")
struct OutputHygieneTests {
    @Test("a NUL byte in a description is refused with exit 2 and nothing is written")
    func nulRefused() throws {
        let repo = try TestRepo(initialize: true)
        try Data("hello\0world".utf8).write(to: URL(fileURLWithPath: repo.scratch + "/desc.txt"))
        let add = try repo.orchestrate("add", "Has NUL", "--description-file", repo.scratch + "/desc.txt")
        #expect(add.status == 2, "\(add)")
        #expect(add.stderr == "error: the description of the new task contains a NUL byte (at byte 5); remove it and try again — nothing was written\n", "\(add)")
        #expect(add.stdout.isEmpty)
        #expect(try repo.orchestrateOK("list", "--format", "json") == "[]")
        let events = try TestRepo.json(try repo.orchestrateOK("log", "--format", "json")) as? [[String: Any]] ?? []
        #expect(events.map { $0["kind"] as? String } == ["initialized"])
    }

    @Test("a NUL byte in a task file (JSON \\u0000) is refused for the whole file")
    func nulInTaskFile() throws {
        let repo = try TestRepo(initialize: true)
        try Data("{\"title\": \"Fine\"}\n{\"title\": \"Bad\\u0000title\"}\n".utf8).write(to: URL(fileURLWithPath: repo.scratch + "/tasks.jsonl"))
        let add = try repo.orchestrate("add", "--from-file", repo.scratch + "/tasks.jsonl")
        #expect(add.status == 2, "\(add)")
        #expect(add.stderr.contains("field title, contains a NUL byte (at byte 3); remove it and try again — nothing was written"), "\(add)")
        #expect(try repo.orchestrateOK("list", "--format", "json") == "[]")
    }

    @Test("newlines and escape sequences in a title are escaped in tables and exact in JSON")
    func controlCharactersEscaped() throws {
        let repo = try TestRepo(initialize: true)
        let title = "Fix\nT9  queued  forged\u{1b}[2J\u{1b}[31mred\u{7}"
        try repo.orchestrateOK("add", title)
        try repo.orchestrateOK("start", "T1")
        let shown = "Fix\\nT9  queued  forged\\x1b[2J\\x1b[31mred\\x07"
        for args in [["list"], ["status"], ["show", "T1"], ["log"], ["review", "T1"]] {
            let result = try repo.orchestrateArgs(args)
            #expect(result.status == 0, "\(args): \(result)")
            #expect(!result.stdout.contains("\u{1b}") && !result.stdout.contains("\u{7}"), "\(args) printed raw control characters")
            #expect(!result.stdout.contains("\nT9"), "\(args) let the title forge a row")
        }
        #expect(try repo.orchestrateOK("list").contains(shown))
        #expect(try repo.orchestrateOK("show", "T1").hasPrefix("task T1: \(shown)\n"))
        let json = try TestRepo.json(try repo.orchestrateOK("list", "--format", "json")) as? [[String: Any]]
        #expect(json?.first?["title"] as? String == title)
    }

}
