import Foundation
import OrchestrateGit
import Testing

/// The helper that runs git for the answers only git gives (identity, whole-tree status):
/// what a child prints and how it ends reach the caller exactly.
@Suite("running helper programs")
struct ProgramRunTests {
    let env = ProcessInfo.processInfo.environment

    @Test("stdout and stderr are kept apart and complete, even when both exceed a pipe's buffer")
    func bothStreamsInFull() throws {
        // 300 KB on each stream, interleaved: a reader that finished one stream before the
        // other would leave the child blocked on the full pipe.
        let script = "i=0; while [ $i -lt 3000 ]; do printf '%0100d' $i; printf '%0100d' $i >&2; i=$((i+1)); done; exit 3"
        let output = try ProgramRun.run(["sh", "-c", script], environment: env)
        #expect(output.status == 3)
        #expect(output.stdout.count == 300_000)
        #expect(output.stderr.count == 300_000)
        #expect(String(decoding: output.stdout.prefix(100), as: UTF8.self) == String(repeating: "0", count: 100))
    }

    @Test("the directory, the environment and PATH of the environment given are the child's")
    func directoryAndEnvironment() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/program-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "#!/bin/sh\necho \"$PWD $GREETING\"\n".write(toFile: folder + "/greet", atomically: true, encoding: .utf8)
        chmod(folder + "/greet", 0o755)
        let output = try ProgramRun.run(
            ["greet"], environment: ["PATH": folder + ":/usr/bin:/bin", "GREETING": "hello"], directory: folder)
        #expect(output.status == 0)
        #expect(String(decoding: output.stdout, as: UTF8.self) == "\(folder) hello\n")
    }

    @Test("a program not on PATH is an error; a child killed by a signal reports 128 + the signal")
    func missingAndSignalled() throws {
        #expect(throws: GitError.self) {
            try ProgramRun.run(["no-such-program-here"], environment: ["PATH": "/nonexistent"])
        }
        let killed = try ProgramRun.run(["sh", "-c", "kill -9 $$"], environment: env)
        #expect(killed.status == 128 + 9)
    }
}
