import Foundation
import OrchestrateTestSupport

/// Helpers for the agent tests: a repository configured with an agent section, shell-script
/// agents, a supervisor run in the background, and JSON look-ups.
extension TestRepo {
    /// An initialised repository whose configuration has `agent` set to `agent`.
    static func withAgent(_ agent: [String: Any], files: [String: String] = ["README.md": "hello\n"]) throws -> TestRepo {
        let repo = try TestRepo(files: files, initialize: true)
        try repo.setAgentConfig(agent)
        return repo
    }

    /// Rewrites the configuration with this `agent` section.
    func setAgentConfig(_ agent: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: ["agent": agent], options: [.prettyPrinted, .sortedKeys])
        try write(".augment-orchestrator.json", String(decoding: data, as: UTF8.self))
    }

    /// Writes an executable `/bin/sh` script under `<scratch>/agents/` and returns its path.
    func agentScript(_ name: String, _ body: String) throws -> String {
        let path = scratch + "/agents/" + name
        try FileManager.default.createDirectory(atPath: scratch + "/agents", withIntermediateDirectories: true)
        try Data(("#!/bin/sh\n" + body).utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// The runs of a task, oldest first.
    func runs(_ id: String) throws -> [[String: Any]] {
        (try taskJSON(id)["runs"] as? [[String: Any]]) ?? []
    }

    /// The kinds of the audit events of a task, in order.
    func eventKinds(_ id: String) throws -> [String] {
        let text = try orchestrateOK("log", "--task", id, "--format", "json")
        return ((try TestRepo.json(text) as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
    }

    /// Starts `git-orchestrate args…` without waiting for it.
    func orchestrateInBackground(_ args: String...) throws -> BackgroundProcess {
        try BackgroundProcess([orchestrateBinary] + args, cwd: path, environment: environment)
    }
}

/// A child process the test does not wait for at once (a supervisor to kill or interrupt).
final class BackgroundProcess {
    let process = Process()
    let outFile: String
    let errFile: String

    init(_ argv: [String], cwd: String, environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = environment
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("bg-\(UUID().uuidString)").path
        outFile = base + ".out"
        errFile = base + ".err"
        _ = FileManager.default.createFile(atPath: outFile, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outFile))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: outFile)
        try? FileManager.default.removeItem(atPath: errFile)
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to end and returns what it printed.
    func wait() -> BackgroundResult {
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return BackgroundResult(
            status: status, stdout: (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? "")
    }
}

/// What a background process printed, and how it ended.
struct BackgroundResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Polls `condition` every 50 ms until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}

/// Whether a process with this pid is running (zombies count as gone).
func processIsAlive(_ pid: Int32) -> Bool {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return false }
    let text = String(decoding: data, as: UTF8.self)
    guard let close = text.lastIndex(of: ")") else { return false }
    let state = text[text.index(after: close)...].split(separator: " ").first
    return state != "Z" && state != "X"
}

/// Reads a whole file as text, "" when absent.
func readText(_ path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}
