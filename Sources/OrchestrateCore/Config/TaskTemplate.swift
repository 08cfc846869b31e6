import Foundation
import OrchestrateModel

/// A named task blueprint from the `templates` key: title and description with `{param}`
/// placeholders, a default priority and paths, and optionally an agent command of its own.
public struct TaskTemplate: Sendable, Equatable {
    public var name: String
    public var title: String
    public var description: String?
    public var priority: TaskPriority?
    public var paths: [String] = []
    /// Replaces `agent.command` for tasks made from this template.
    public var agentCommand: [String]?

    /// The `{name}` placeholders of the title and description, sorted and without repeats.
    public var parameters: [String] {
        Set(Self.placeholders(in: title) + Self.placeholders(in: description ?? "")).sorted()
    }

    /// The names between braces in `text` that look like parameters (`{summary}`).
    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "}") else { break }
            let name = rest[after..<close]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) {
                names.append(String(name))
                rest = rest[rest.index(after: close)...]
            } else {
                rest = rest[after...]
            }
        }
        return names
    }

    /// Title, description, priority and paths with `params` filled in. A parameter the template
    /// uses but `params` lacks, or one it does not use, is an error naming it (exit 2).
    public func fill(_ params: [String: String], for what: String) throws -> (title: String, description: String?) {
        let wanted = parameters
        if let missing = wanted.first(where: { params[$0] == nil }) {
            throw OrchestrateError.badInput(
                "\(what): template \(name) needs the parameter \(missing); pass it with --param \(missing)=VALUE (it takes \(wanted.joined(separator: ", ")))")
        }
        if let unknown = params.keys.sorted().first(where: { !wanted.contains($0) }) {
            throw OrchestrateError.badInput(
                "\(what): template \(name) has no parameter \(unknown); it takes \(wanted.isEmpty ? "none" : wanted.joined(separator: ", "))")
        }
        return (AgentInvocation.substitute(title, params), description.map { AgentInvocation.substitute($0, params) })
    }
}

extension ConfigReader {
    func readTemplates(_ value: JSONValue) throws -> [String: TaskTemplate] {
        guard let entries = value.objectValue else { throw fail("templates", "must be an object of named templates, not \(value.typeName)") }
        var templates: [String: TaskTemplate] = [:]
        for (name, body) in entries {
            let key = "templates.\(name)"
            let t = try object(body, key, allowed: ["title", "description", "priority", "paths", "agentCommand"])
            guard let titleValue = t["title"] else { throw fail(key, "needs a `title`") }
            var template = TaskTemplate(name: name, title: try string(titleValue, "\(key).title"))
            if let x = t["description"] { template.description = try string(x, "\(key).description", nonEmpty: false) }
            if let x = t["priority"] {
                let text = try string(x, "\(key).priority")
                guard let priority = TaskPriority(name: text) else {
                    throw fail("\(key).priority", "must be low, normal, high or urgent, not \(text.debugDescription)")
                }
                template.priority = priority
            }
            if let x = t["paths"] { template.paths = try strings(x, "\(key).paths") }
            if let x = t["agentCommand"] { template.agentCommand = try argv(x, "\(key).agentCommand") }
            templates[name] = template
        }
        return templates
    }
}

extension Orchestrator {
    /// The agent command of the template the task was made from, when it has one (and the
    /// template is still configured).
    func templateAgentCommand(of id: TaskID) throws -> [String]? {
        guard let name = try store.read({ try $0.template(of: id) }) else { return nil }
        return config.templates[name]?.agentCommand
    }
}
