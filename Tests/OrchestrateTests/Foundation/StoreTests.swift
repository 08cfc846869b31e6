import Foundation
import OrchestrateModel
import OrchestrateTestSupport
@testable import OrchestrateStore
import Testing

@Suite("store")
struct StoreTests {
    @Test("SHA-256 agrees with sha256sum", arguments: ["", "abc", String(repeating: "x", count: 1000), "héllo\n"])
    func sha256(text: String) throws {
        let scratch = try TestRepo(files: [:])
        try scratch.write("input", text)
        let oracle = try runProcess(["sha256sum", scratch.path + "/input"], cwd: scratch.path, environment: scratch.environment)
        #expect(SHA256.hex(text) == String(oracle.stdout.prefix(64)))
    }

    @Test("the audit chain links each row to the one before; triggers refuse edits")
    func chain() throws {
        let scratch = try TestRepo(files: [:])
        let fixed = Date(timeIntervalSince1970: 1_800_000_000)
        let store = try Store(path: scratch.path + "/state.sqlite", clock: { fixed })
        let id = try #require(TaskID("T1"))
        let events = try store.write { tx in
            try (0..<3).map { i in
                try tx.appendAudit(NewAuditEvent(kind: .progress, task: id, oid: nil, actor: "me", detail: ["n": .int(Int64(i))]))
            }
        }
        #expect(events[0].prevHash == String(repeating: "0", count: 64))
        #expect(events[1].prevHash == events[0].hash)
        #expect(events[2].prevHash == events[1].hash)
        #expect(events[1].detail == #"{"n":1}"#)
        let verified = try store.read { try $0.verifyAuditChain() }
        #expect(verified.isIntact && verified.rowsChecked == 3 && verified.headHash == events[2].hash)
        #expect(throws: StoreError.self) {
            try store.write { tx in try tx.db.execute(sql: "UPDATE audit_events SET actor = 'x' WHERE seq = 2") }
        }
        #expect(throws: StoreError.self) {
            try store.write { tx in try tx.db.execute(sql: "DELETE FROM audit_events WHERE seq = 3") }
        }
    }

    @Test("a failed transaction leaves nothing behind")
    func atomic() throws {
        let scratch = try TestRepo(files: [:])
        let store = try Store(path: scratch.path + "/state.sqlite")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { tx in
                try tx.appendAudit(NewAuditEvent(kind: .added, actor: "me"))
                throw Boom()
            }
        }
        #expect(try store.read { try $0.auditEvents() }.isEmpty)
    }
}
