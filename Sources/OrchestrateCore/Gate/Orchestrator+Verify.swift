import Foundation
import OrchestrateGit
import OrchestrateModel

/// The gate applied to a revision range, for CI.
public struct VerifyReport: Sendable {
    public var range: String
    /// How many commits the range holds.
    public var commitCount: Int
    /// The commits in it that lack approval, oldest first.
    public var offenders: [GateOffender]

    public var passed: Bool { offenders.isEmpty }
}

extension Orchestrator {
    /// Checks every commit of `range` (`A..B`: in B and not in A; a single revision: all its
    /// history) against the cleared commits, as the pre-push gate does. Writes nothing.
    public func verify(range: String) throws -> VerifyReport {
        if range.contains("...") {
            throw OrchestrateError.badInput(
                "\(range.debugDescription) is a symmetric range; pass A..B (the commits of B that A lacks) or a single revision")
        }
        var include = range
        var exclude: String?
        if let dots = range.range(of: "..") {
            exclude = String(range[..<dots.lowerBound])
            include = String(range[dots.upperBound...])
            if exclude?.isEmpty == true { exclude = "HEAD" }
            if include.isEmpty { include = "HEAD" }
        }
        guard !include.isEmpty else { throw OrchestrateError.badInput("verify needs a revision range such as origin/main..HEAD") }
        func resolve(_ rev: String) throws -> ObjectID {
            do {
                return try repository.resolveCommit(rev)
            } catch let error as GitError {
                throw OrchestrateError.badInput(
                    "\(rev.debugDescription) in \(range.debugDescription) does not name a commit (\(error.message)); pass a range such as origin/main..HEAD")
            }
        }
        let head = try resolve(include)
        let hiding = try exclude.map { [try resolve($0)] } ?? []
        let (count, offenders) = try unclearedCommits(from: head, hiding: hiding)
        return VerifyReport(range: range, commitCount: count, offenders: offenders)
    }
}
