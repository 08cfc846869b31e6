import Foundation
import OrchestrateTestSupport

/// The official MCP Python SDK in a virtual environment the tests make once (under the temporary
/// folder, reused by later runs): the real client an agent would use, which nobody here wrote.
enum PythonMCPSDK {
    /// The client script next to this file.
    static let clientScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("mcp_client.py").path

    /// The venv's python, or nil after printing why it cannot be had (a visible skip, never a
    /// silent one).
    static let python: String? = {
        let venv = FileManager.default.temporaryDirectory.appendingPathComponent("git-orchestrate-mcp-venv").path
        let python = venv + "/bin/python"
        let env = ProcessInfo.processInfo.environment
        func run(_ argv: [String]) -> ProcessResult? { try? runProcess(argv, cwd: "/", environment: env) }
        if run([python, "-c", "import mcp"])?.status == 0 { return python }
        if run(["python3", "-c", "import venv, ensurepip"])?.status != 0 {
            // Debian splits venv off python3: install it where we can.
            _ = run(["apt-get", "update", "-qq"])
            _ = run(["apt-get", "install", "-y", "-qq", "python3", "python3-venv", "python3-pip"])
        }
        guard let made = run(["python3", "-m", "venv", venv]), made.status == 0 else {
            print("SKIPPED: the MCP Python client tests need python3 with venv, and it could not be installed")
            return nil
        }
        guard let pip = run([venv + "/bin/pip", "install", "-q", "mcp"]), pip.status == 0,
            run([python, "-c", "import mcp"])?.status == 0
        else {
            print("SKIPPED: `pip install mcp` failed (is PyPI reachable?); the MCP Python client tests did not run")
            return nil
        }
        return python
    }()

    /// Runs the client script's `phase` against the built binary in `dir`; its JSON report.
    static func run(_ phase: String, repo: TestRepo, in dir: String? = nil) throws -> [String: Any] {
        guard let python else { throw TestFailure("no Python MCP SDK") }
        let result = try runProcess(
            [python, clientScript, orchestrateBinary, phase], cwd: dir ?? repo.path, environment: repo.environment)
        guard result.status == 0, let report = try TestRepo.json(result.stdout) as? [String: Any] else {
            throw TestFailure("the MCP client failed: \(result)")
        }
        return report
    }
}
