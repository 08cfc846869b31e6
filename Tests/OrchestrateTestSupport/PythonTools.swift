import Foundation

/// Python programs from PyPI that tests drive (pre-commit, lefthook, jsonschema), installed on
/// first use into one virtual environment under the temporary folder.
public enum PythonTools {
    static let venv = FileManager.default.temporaryDirectory.path + "/orchestrate-test-python-venv"
    static let lock = NSLock()

    /// The venv's bin folder with `packages` installed, or nil after printing a visible SKIP
    /// line naming `who` when pip cannot install them (no network, no python3-venv).
    public static func bin(installing packages: [String], for who: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        let bin = venv + "/bin"
        let env = ProcessInfo.processInfo.environment
        var steps: [[String]] = []
        if !FileManager.default.isExecutableFile(atPath: bin + "/pip") { steps.append(["python3", "-m", "venv", venv]) }
        steps.append([bin + "/pip", "install", "-q", "--disable-pip-version-check"] + packages)
        for step in steps {
            guard let result = try? runProcess(step, cwd: "/", environment: env), result.status == 0 else {
                print("SKIP \(who): could not install \(packages.joined(separator: ", ")) from PyPI (`\(step.joined(separator: " "))` failed); these tests did not run")
                return nil
            }
        }
        return bin
    }
}
