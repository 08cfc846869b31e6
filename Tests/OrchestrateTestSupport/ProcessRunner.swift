import Foundation

/// What a finished child process left behind.
public struct ProcessResult: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs a real child process to completion.
public func runProcess(
    _ argv: [String], cwd: String, environment: [String: String], stdin: String? = nil
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env")
    process.arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
    process.currentDirectoryURL = URL(fileURLWithPath: cwd)
    process.environment = environment
    // Output goes to files, not pipes: a chatty child never blocks, and a grandchild that keeps
    // a pipe open (an agent left running) cannot hang the test.
    let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)")
    let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outFile)
        try? FileManager.default.removeItem(at: errFile)
    }
    let outHandle = try FileHandle(forWritingTo: outFile)
    let errHandle = try FileHandle(forWritingTo: errFile)
    defer {
        try? outHandle.close()
        try? errHandle.close()
    }
    let inPipe = Pipe()
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = inPipe
    try process.run()
    if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    process.waitUntilExit()
    let outData = (try? Data(contentsOf: outFile)) ?? Data()
    let errData = (try? Data(contentsOf: errFile)) ?? Data()
    let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return ProcessResult(
        status: status, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// The built `git-orchestrate` executable: `ORCHESTRATE_BINARY`, else next to the test bundle
/// in the build folder.
public let orchestrateBinary: String = {
    if let path = ProcessInfo.processInfo.environment["ORCHESTRATE_BINARY"] { return path }
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0]
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    // The runner may live inside `<name>.xctest/` bundles on some platforms.
    while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("git-orchestrate").path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir.appendingPathComponent("git-orchestrate").path
}()
