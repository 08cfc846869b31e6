import ArgumentParser
import OrchestrateCore
import OrchestrateModel

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Land approved tasks on the target branch, in dependency order.",
        discussion: """
            Each task is rebased in memory onto the current tip. With checks, the ready tasks
            form batches (merge.batchSize): the checks run once, in a check slot, on the batch's
            last commit; a failing batch is bisected to its first failing task, and the passing
            part lands with one compare-and-swap. Exits 1 when any task did not land.
            """)

    @Argument(help: "Only these tasks (and the approved tasks they depend on).", completion: .taskIDs)
    var ids: [String] = []

    @Flag(name: .long, help: "Print the plan (order, waits, predicted conflicts); move nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Do not run the configured checks.")
    var noChecks = false

    @OptionGroup var format: FormatOption

    func run() throws {
        let report = try Live.orchestrator().merge(ids: ids, dryRun: dryRun, runChecks: !noChecks)
        switch format.format {
        case .json:
            Live.json(report.json)
        case .table:
            if report.outcomes.isEmpty { Live.out("nothing to merge: no approved task") }
            for outcome in report.outcomes { Live.out(outcome.line(dryRun: report.dryRun)) }
            if report.dryRun {
                for batch in report.batches {
                    let conflicts = batch.predictedConflicts.isEmpty ? "" : "\tpredicted conflicts: " + batch.predictedConflicts.joined(separator: "; ")
                    Live.out("batch \(batch.number)\t\(batch.tasks.map(\.rawValue).joined(separator: " "))\tchecked once at \(batch.candidate.prefix(8))\(conflicts)")
                }
            }
        }
        if !report.dryRun && !report.allLanded { throw ExitCode(1) }
    }
}

extension MergeOutcome {
    func line(dryRun: Bool) -> String {
        let verdict = dryRun && result == .landed ? "would land" : result.rawValue
        return "\(task.rawValue)\t\(verdict)\t\(message)"
    }

    var json: JSONValue {
        [
            "task": .string(task.rawValue), "result": .string(result.rawValue), "message": .string(message),
            "oldTip": .optional(oldTip), "newTip": .optional(newTip), "fastForward": .bool(fastForward),
            "commits": .array(commits.map { ["source": .string($0.source), "landed": .string($0.landed)] }),
            "conflicts": .array(conflicts.map(JSONValue.string)),
            "waitingOn": .array(waitingOn.map { .string($0.rawValue) }),
            "checks": .array(checks.map {
                ["name": .string($0.name), "exitStatus": .int(Int64($0.exitStatus)), "timedOut": .bool($0.timedOut), "passed": .bool($0.passed)]
            }),
        ]
    }
}

extension MergeReport {
    var json: JSONValue {
        [
            "target": .string(target), "dryRun": .bool(dryRun), "startTip": .string(startTip), "endTip": .string(endTip),
            "landed": .array(outcomes.filter { $0.result == .landed }.map { .string($0.task.rawValue) }),
            "tasks": .array(outcomes.map(\.json)),
            "batches": .array(batches.map(\.json)),
            "checkRuns": .int(Int64(batches.reduce(0) { $0 + $1.runs.count })),
            "trash": trash.map { t in
                [
                    "path": .string(t.path), "entries": .array(t.entries.map(JSONValue.string)),
                    "emptierPid": t.emptierPid.map { .int(Int64($0)) } ?? .null, "log": .string(t.log), "emptied": .bool(t.emptied),
                ]
            } ?? .null,
        ]
    }
}
