import Foundation
import OrchestrateTestSupport

/// A repository set up for the closed loop: a check, `merge` and `agent` sections as given,
/// and a reviewer to approve with.
extension TestRepo {
    /// An initialised repository whose configuration is `config` (JSON object).
    static func forLoop(_ config: [String: Any], files: [String: String] = ["README.md": "hello\n"]) throws -> TestRepo {
        let repo = try TestRepo(files: files, initialize: true)
        try repo.setConfig(config)
        return repo
    }

    func setConfig(_ config: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try write(".augment-orchestrator.json", String(decoding: data, as: UTF8.self))
    }

    /// Approves as a reviewer other than the author.
    func approveAsReviewer(_ id: String) throws {
        try orchestrateOKAs("Rita Reviewer <rita@example.com>", "approve", id)
    }

    /// The audit events of a task whose kind is `kind`, as JSON objects.
    func events(_ id: String, kind: String) throws -> [[String: Any]] {
        let text = try orchestrateOK("log", "--task", id, "--format", "json")
        return ((try TestRepo.json(text) as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == kind }
    }

    /// The configuration file as written (by `init`, say).
    func configJSON() throws -> [String: Any] {
        guard let object = try TestRepo.json(read(".augment-orchestrator.json") ?? "") as? [String: Any] else {
            throw TestFailure("the configuration file is not a JSON object")
        }
        return object
    }

    /// The prompt file of one attempt.
    func promptFile(_ id: String, attempt: Int) -> String {
        readText(path + "/.git/orchestrate/prompts/\(id)/\(attempt).md")
    }
}

/// The check every loop test configures: value.txt must say `good`.
var valueCheck: [String: Any] {
    [
        "name": "value",
        "command": ["sh", "-c", "grep -qx good value.txt || { echo \"value.txt must say good, not $(cat value.txt)\"; exit 4; }"],
    ]
}
