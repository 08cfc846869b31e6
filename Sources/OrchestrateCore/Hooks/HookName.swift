import Foundation

/// The git hooks git-orchestrate installs. Raw values are git's hook names; each has a shim in
/// the package's `hooks/` folder, embedded as `script` (HookScripts.swift, generated).
public enum HookName: String, CaseIterable, Sendable {
    case preCommit = "pre-commit"
    case postCommit = "post-commit"
    case referenceTransaction = "reference-transaction"
    case prePush = "pre-push"

    /// The line that marks a file as one of our shims (any version of it).
    static let marker = "# git-orchestrate hook shim:"

    /// Where a hook that was already installed is kept while ours runs it.
    public var chainedName: String { rawValue + ".orchestrate-chained" }

    /// Whether `data` is one of our shims (this version or another).
    static func isOurs(_ data: Data) -> Bool {
        guard let text = String(data: data.prefix(512), encoding: .utf8) else { return false }
        return text.split(separator: "\n").prefix(3).contains { $0.hasPrefix(marker) }
    }
}
