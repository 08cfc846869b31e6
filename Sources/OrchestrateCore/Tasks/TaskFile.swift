import Foundation
import OrchestrateModel

/// One entry of a task file (`add --from-file`) or of the MCP `add_task` tool, read and checked
/// field by field; `template` + `params` are filled in later, against the configured templates.
public struct TaskFileEntry: Sendable {
    /// Where the entry came from, for error messages: `entry 3` (1-based) or `add_task`.
    public var label: String
    public var id: String?
    public var title: String?
    public var description: String?
    public var priority: TaskPriority?
    public var dependsOn: [String] = []
    public var paths: [String] = []
    public var template: String?
    public var params: [String: String] = [:]

    /// The fields an entry may have (docs/task-file.schema.json).
    public static let fields: Set<String> = [
        "id", "title", "description", "priority", "dependsOn", "paths", "template", "params",
    ]

    /// Reads one entry; exit 2 naming the entry and the field on anything malformed.
    public init(_ value: JSONValue, label: String) throws {
        self.label = label
        func fail(_ field: String, _ problem: String) -> OrchestrateError {
            OrchestrateError.badInput("\(label), field \(field): \(problem)")
        }
        guard let object = value.objectValue else {
            throw OrchestrateError.badInput("\(label) must be a JSON object with at least a title, not \(value.typeName)")
        }
        if let unknown = object.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw fail(unknown, "is not a task field (use \(Self.fields.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String) throws -> String? {
            guard let field = object[key], field != .null else { return nil }
            guard let text = field.stringValue else { throw fail(key, "must be a string, not \(field.typeName)") }
            return text
        }
        func strings(_ key: String) throws -> [String] {
            guard let field = object[key], field != .null else { return [] }
            guard let items = field.arrayValue else { throw fail(key, "must be an array of strings, not \(field.typeName)") }
            return try items.map { item in
                guard let text = item.stringValue, !text.isEmpty else {
                    throw fail(key, "must hold only non-empty strings, not \(item.typeName)")
                }
                return text
            }
        }
        id = try string("id")
        if let id, let problem = TaskID.problem(with: id) {
            throw fail("id", "\(id.debugDescription) is not a valid task id: \(problem)")
        }
        title = try string("title")
        description = try string("description")
        if let name = try string("priority") {
            guard let parsed = TaskPriority(name: name) else {
                throw fail("priority", "\(name.debugDescription) is not a priority (low, normal, high, urgent)")
            }
            priority = parsed
        }
        dependsOn = try strings("dependsOn")
        for dep in dependsOn {
            if let problem = TaskID.problem(with: dep) {
                throw fail("dependsOn", "\(dep.debugDescription) is not a valid task id: \(problem)")
            }
        }
        paths = try strings("paths")
        template = try string("template")
        if let field = object["params"], field != .null {
            guard let params = field.objectValue else { throw fail("params", "must be an object of strings, not \(field.typeName)") }
            for (key, value) in params {
                guard let text = value.stringValue else { throw fail("params.\(key)", "must be a string, not \(value.typeName)") }
                self.params[key] = text
            }
        }
        if template == nil && !params.isEmpty { throw fail("params", "is only used with a template; add a `template` field") }
        if template == nil && (title ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw fail("title", "is missing or empty; every task needs a title (or a template)")
        }
    }
}

/// A task file: a JSON array of entries, or JSON Lines (one entry per non-blank line).
public enum TaskFile {
    /// The entries of `text`; exit 2 naming the line or the problem when it is not valid JSON.
    public static func entries(from text: String, name: String) throws -> [TaskFileEntry] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw OrchestrateError.badInput("\(name) holds no tasks; write a JSON array of task objects or one object per line")
        }
        if trimmed.hasPrefix("[") {
            let value: JSONValue
            do { value = try JSONValue.parse(trimmed) } catch {
                throw OrchestrateError.badInput("\(name) is not valid JSON (\(error)); fix it and run `add --from-file` again")
            }
            guard let items = value.arrayValue else { preconditionFailure("starts with [") }
            guard !items.isEmpty else {
                throw OrchestrateError.badInput("\(name) holds no tasks (an empty array); write at least one task object")
            }
            return try items.enumerated().map { try TaskFileEntry($1, label: "\(name): entry \($0 + 1)") }
        }
        var entries: [TaskFileEntry] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let value: JSONValue
            do { value = try JSONValue.parse(line) } catch {
                throw OrchestrateError.badInput(
                    "\(name): line \(number + 1) is not valid JSON (\(error)); each line of a JSON Lines file holds one task object")
            }
            entries.append(try TaskFileEntry(value, label: "\(name): line \(number + 1)"))
        }
        guard !entries.isEmpty else {
            throw OrchestrateError.badInput("\(name) holds no tasks; write a JSON array of task objects or one object per line")
        }
        return entries
    }
}
