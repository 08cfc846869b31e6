import ArgumentParser
import Foundation
import OrchestrateCore
import OrchestrateModel

struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Predict which waiting tasks conflict with each other or with the target.",
        discussion: """
            Compares the changes of submitted and approved tasks (and running ones with
            --include-running) pairwise, in memory: no worktree, index or ref is touched and
            nothing is recorded. Exit status 0 whether or not conflicts are found.
            """)

    @Flag(name: .long, help: "Compare running tasks' branches too.")
    var includeRunning = false

    @OptionGroup var output: FormatOption

    func run() throws {
        let report = try Live.orchestrator().predictConflicts(includeRunning: includeRunning)
        switch output.format {
        case .json:
            Live.json([
                "target": .string(report.target), "targetTip": .string(report.targetTip),
                "tasks": .array(report.tasks.map { .string($0.rawValue) }),
                "pairs": .array(report.pairs.map { pair in
                    .object([
                        "tasks": .array([.string(pair.first.rawValue), .string(pair.second.rawValue)]),
                        "paths": .array(pair.paths.map { .string($0) }),
                    ])
                }),
                "withTarget": .array(report.withTarget.map { conflict in
                    .object(["task": .string(conflict.task.rawValue), "paths": .array(conflict.paths.map { .string($0) })])
                }),
                "pairsMerged": .int(Int64(report.pairsMerged)),
            ])
        case .table:
            let compared = "\(report.tasks.count) task\(report.tasks.count == 1 ? "" : "s")"
            guard !report.pairs.isEmpty || !report.withTarget.isEmpty else {
                Live.out("no predicted conflicts among \(compared) on \(report.target) at \(Short.oid(report.targetTip))")
                return
            }
            var table = Table("TASK", "CONFLICTS WITH", "PATHS")
            for pair in report.pairs {
                table.add(pair.first.rawValue, pair.second.rawValue, Short.paths(pair.paths))
            }
            for conflict in report.withTarget {
                table.add(conflict.task.rawValue, "\(report.target) (\(Short.oid(report.targetTip)))", Short.paths(conflict.paths))
            }
            Live.out(table.text)
        }
    }
}
