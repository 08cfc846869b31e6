import Foundation
import OrchestrateModel

/// One batch of a merge run: the tasks whose chain of replayed commits was checked together.
public struct MergeBatch: Sendable, Equatable {
    /// 1, 2, … in the run.
    public var number: Int
    /// The tasks of the chain, in landing order.
    public var tasks: [TaskID]
    /// The last commit of the chain: the candidate that holds them all.
    public var candidate: String
    /// Every check run started for this batch, in the order started.
    public var runs: [CheckRun] = []
    /// The bisection, one sentence per finished run that narrowed it ("prefix 6 of 12 passed").
    public var bisection: [String] = []
    /// The task the bisection found failing, if any.
    public var culprit: TaskID?
    /// The tasks that landed from this batch.
    public var landed: [TaskID] = []
    /// Predicted conflicts among the batch's tasks and the others (dry run), "T1 ↔ T4: a.txt".
    public var predictedConflicts: [String] = []
}

/// One check run: a prefix of a batch, checked in a check slot.
public struct CheckRun: Sendable, Equatable {
    public var slot: Int
    /// The tasks of the prefix.
    public var tasks: [TaskID]
    public var candidate: String
    /// nil when killed before it ended.
    public var passed: Bool?
    public var seconds: Double
    /// Stopped because its answer no longer mattered (speculation made moot).
    public var killed: Bool
}

extension MergeBatch {
    /// The JSON shape of `merge --format json`'s `batches`.
    public var json: JSONValue {
        [
            "number": .int(Int64(number)),
            "tasks": .array(tasks.map { .string($0.rawValue) }),
            "candidate": .string(candidate),
            "checkRuns": .array(runs.map(\.json)),
            "bisection": .array(bisection.map(JSONValue.string)),
            "culprit": culprit.map { .string($0.rawValue) } ?? .null,
            "landed": .array(landed.map { .string($0.rawValue) }),
            "predictedConflicts": .array(predictedConflicts.map(JSONValue.string)),
        ]
    }
}

extension CheckRun {
    var json: JSONValue {
        [
            "slot": .int(Int64(slot)),
            "tasks": .array(tasks.map { .string($0.rawValue) }),
            "candidate": .string(candidate),
            "passed": passed.map(JSONValue.bool) ?? .null,
            "seconds": .double((seconds * 1000).rounded() / 1000),
            "killed": .bool(killed),
        ]
    }
}
