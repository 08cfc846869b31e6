import Foundation
import OrchestrateTestSupport
import Testing

/// `git orchestrate mcp` spoken to as raw JSON-RPC lines: what a client that gets things wrong sees.
@Suite("mcp protocol")
struct MCPProtocolTests {
    typealias Object = [String: Any]

    static let initialize = """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}
        {"jsonrpc":"2.0","method":"notifications/initialized"}
        """

    /// Sends `lines` after the handshake, closes stdin, and returns the responses by id (the
    /// parse error's under "parse-error").
    func exchange(_ repo: TestRepo, _ lines: [String]) throws -> (responses: [String: Object], result: ProcessResult) {
        let input = Self.initialize + "\n" + lines.joined(separator: "\n") + "\n"
        let result = try repo.orchestrate("mcp", stdin: input)
        var responses: [String: Object] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try TestRepo.json(String(line)) as? Object, "stdout holds only JSON-RPC: \(line)")
            if let error = object["error"] as? Object, error["code"] as? Int == -32700 {
                responses["parse-error"] = object
            } else if let id = object["id"] {
                responses["\(id)"] = object
            }
        }
        return (responses, result)
    }

    @Test("malformed JSON gets a JSON-RPC parse error; bad arguments get tool errors; the server never dies")
    func badInput() throws {
        let repo = try TestRepo(initialize: true)
        try repo.orchestrateOK("add", "First")
        let (responses, result) = try exchange(repo, [
            "this is not json",
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_task","arguments":{"id":7}}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_task","arguments":{"id":"T1"}}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"no/such/method"}"#,
            #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"add_task","arguments":{"title":["not","text"]}}}"#,
            #"{"jsonrpc":"2.0","id":6,"method":"resources/read","params":{"uri":"orchestrate://tasks/T1/prompt"}}"#,
            #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}"#,
        ])
        #expect(result.status == 0, "\(result)")
        #expect(responses["parse-error"]?["id"] is NSNull, "\(result.stdout)")
        #expect((responses["1"]?["result"] as? Object)?["serverInfo"] != nil)
        let badType = try #require(responses["2"]?["result"] as? Object)
        #expect(badType["isError"] as? Bool == true)
        #expect(((badType["content"] as? [Object])?.first?["text"] as? String) == "get_task: argument id must be a string")
        let good = try #require(responses["3"]?["result"] as? Object)
        #expect(good["isError"] as? Bool == false)
        #expect((good["structuredContent"] as? Object)?["title"] as? String == "First")
        #expect((responses["4"]?["error"] as? Object)?["code"] as? Int == -32601)
        let badTitle = try #require(responses["5"]?["result"] as? Object)
        #expect(((badTitle["content"] as? [Object])?.first?["text"] as? String) == "add_task, field title: must be a string, not an array")
        let prompt = try #require(((responses["6"]?["result"] as? Object)?["contents"] as? [Object])?.first)
        #expect((prompt["text"] as? String)?.hasPrefix("# First\n") == true)
        // The text of a result is the CLI's document, byte for byte.
        let listed = try #require(responses["7"]?["result"] as? Object)
        #expect(((listed["content"] as? [Object])?.first?["text"] as? String).map { $0 + "\n" }
            == (try repo.orchestrate("list", "--format", "json").stdout))
        #expect(try repo.orchestrateOK("list", "--format", "json").components(separatedBy: "\"id\"").count == 2)
    }

    @Test("outside an initialised repository the server refuses to start, with exit 2")
    func notInitialised() throws {
        let repo = try TestRepo()
        let result = try repo.orchestrate("mcp", stdin: Self.initialize)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("run `git orchestrate init` first"), "\(result)")
    }
}
