import Foundation

/// A short-lived helper program (`git`, `ssh-keygen`) run to completion with its output
/// captured: used where the real program is the right tool (network operations with the
/// user's credentials and ssh set-up, SSH signatures, git's own configuration precedence).
struct ToolProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var succeeded: Bool { status == 0 }
        /// The first non-empty line of stderr (or stdout), for one-sentence errors.
        var firstError: String {
            (stderr + "\n" + stdout).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { !$0.isEmpty } ?? "exit status \(status)"
        }
    }

    /// Runs `argv` (found on PATH) in `directory` with `environment` and `input` on stdin.
    static func run(
        _ argv: [String], in directory: String? = nil, environment: [String: String], input: Data? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Output goes to files, read once the child is done: no pipe can fill and block it.
        let base = NSTemporaryDirectory() + "orchestrate-tool-\(getpid())-\(UUID().uuidString.prefix(8))"
        FileManager.default.createFile(atPath: base + ".out", contents: nil)
        FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        guard let out = FileHandle(forWritingAtPath: base + ".out"), let err = FileHandle(forWritingAtPath: base + ".err") else {
            throw OrchestrateError.failed("could not create temporary files in \(NSTemporaryDirectory()) to run \(argv[0])")
        }
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        do {
            try process.run()
        } catch {
            throw OrchestrateError.failed("could not run \(argv[0]): \(error.localizedDescription); install it or put it on PATH")
        }
        try? out.close()
        try? err.close()
        if let input {
            try? inPipe.fileHandleForWriting.write(contentsOf: input)
            try? inPipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        let outData = FileManager.default.contents(atPath: base + ".out") ?? Data()
        let errData = FileManager.default.contents(atPath: base + ".err") ?? Data()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
