import Foundation
import OrchestrateModel
import OrchestrateStore

extension Orchestrator {
    /// The newest attempt of a task that has a log; exit 2 when the task never ran.
    public func latestRunWithLog(_ idText: String) throws -> RunRecord {
        let id = try parseID(idText)
        let runs = try store.read { tx -> [RunRecord] in
            _ = try requireTask(id, in: tx)
            return try tx.runs(of: id)
        }
        guard let run = runs.last(where: { $0.logPath != nil }) else {
            throw OrchestrateError.badInput("task \(id) has not been run yet, so it has no log; run `git orchestrate run \(id)`")
        }
        return run
    }

    /// Copies the run's log to `write` as it grows, until the run ends (or is found
    /// disconnected); without `follow`, only what is there now.
    public func streamLog(of run: RunRecord, follow: Bool, write: (Data) -> Void) throws {
        guard let path = run.logPath else { return }
        var offset: UInt64 = 0
        var lastCheck = Date.distantPast
        func drain() {
            guard let handle = FileHandle(forReadingAtPath: path) else { return }
            defer { try? handle.close() }
            // The supervisor cut the log back (agent.maxLogBytes): follow on from its start.
            if let size = try? handle.seekToEnd(), size < offset { offset = 0 }
            try? handle.seek(toOffset: offset)
            while let chunk = try? handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
                offset += UInt64(chunk.count)
                write(chunk)
            }
        }
        drain()
        guard follow else { return }
        while true {
            if Date().timeIntervalSince(lastCheck) >= 1 {
                lastCheck = Date()
                try reapDisconnectedRuns()
                let current = try store.read { try $0.run(id: run.id) }
                if current?.isOpen != true {
                    drain()
                    return
                }
            }
            drain()
            usleep(200_000)
        }
    }
}
