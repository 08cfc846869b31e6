import Foundation
import OrchestrateTestSupport

/// Real programs the oversight tests drive (tmux, chromium): installed with apt-get when
/// missing; when that is impossible the test says so visibly and skips.
enum ToolInstall {
    static func has(_ command: String) -> Bool {
        let result = try? runProcess(["sh", "-c", "command -v \(command)"], cwd: "/", environment: ProcessInfo.processInfo.environment)
        return result?.status == 0
    }

    /// Whether `command` is there, after `apt-get install packages` if it was not.
    static func ensure(_ command: String, apt packages: [String]) -> Bool {
        if has(command) { return true }
        print("note: \(command) is missing; installing \(packages.joined(separator: " ")) with apt-get")
        let env = ProcessInfo.processInfo.environment.merging(["DEBIAN_FRONTEND": "noninteractive"]) { $1 }
        let sudo = getuid() == 0 ? [] : ["sudo", "-n"]
        _ = try? runProcess(sudo + ["apt-get", "update", "-qq"], cwd: "/", environment: env)
        _ = try? runProcess(sudo + ["apt-get", "install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=300"] + packages, cwd: "/", environment: env)
        return has(command)
    }

    /// Whether python3 can import `module`, after `pip install package` if it could not.
    static func ensurePython(_ module: String, pip package: String) -> Bool {
        let env = ProcessInfo.processInfo.environment
        func importable() -> Bool { (try? runProcess(["python3", "-c", "import \(module)"], cwd: "/", environment: env))?.status == 0 }
        if importable() { return true }
        print("note: python module \(module) is missing; installing \(package) with pip")
        _ = try? runProcess(["python3", "-m", "pip", "install", "-q", package], cwd: "/", environment: env)
        return importable()
    }

    /// Where tests leave files for a person to look at: `.build/test-artifacts/<name>`.
    static func artifacts(_ name: String, file: String = #filePath) -> String {
        var dir = URL(fileURLWithPath: file)
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir = dir.deletingLastPathComponent()
        }
        let path = dir.appendingPathComponent(".build/test-artifacts/\(name)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
