import ArgumentParser
import Foundation
import OrchestrateCore
import OrchestrateModel

/// `add --from-file FILE|-` and `add --template NAME --param K=V…`.
struct AddIntakeOptions: ParsableArguments {
    @Option(name: .customLong("from-file"), help: "Queue every task of a JSON array or JSON Lines file (- for stdin), all or nothing.")
    var fromFile: String?

    @Option(name: .long, help: "Fill in a task from a template of .augment-orchestrator.json.")
    var template: String?

    @Option(name: .long, help: "A template parameter, key=value (repeatable).")
    var param: [String] = []

    func validate(_ add: AddCommand) throws {
        let title = add.title
        let taskOptions = add.id != nil || add.description != nil || add.descriptionFile != nil || add.priority != nil
            || !add.dependsOn.isEmpty || !add.paths.isEmpty
        if fromFile != nil && (title != nil || template != nil || !param.isEmpty || taskOptions) {
            throw ValidationError("--from-file takes every task and field from the file; pass no title or other option with it")
        }
        if template == nil && !param.isEmpty { throw ValidationError("--param fills a template; pass --template NAME too") }
        if fromFile == nil && template == nil && title == nil {
            throw ValidationError("Missing expected argument '<title>' (or pass --from-file FILE, or --template NAME)")
        }
    }

    /// Runs the file or template form of `add`; false when it is the plain form.
    func run(_ add: AddCommand) throws -> Bool {
        if let fromFile {
            let entries = try TaskFile.entries(from: try readTaskFile(fromFile), name: fromFile == "-" ? "stdin" : fromFile)
            let tasks = try Live.orchestrator().addTasks(entries)
            Live.out(tasks.map(\.id.rawValue).joined(separator: "\n"))
            return true
        }
        guard let template else { return false }
        var params: [String: String] = [:]
        for pair in param {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw OrchestrateError.badInput("--param \(pair.debugDescription) is not key=value; write it as --param summary=\"login fails\"")
            }
            let key = String(pair[..<equals])
            if params[key] != nil { throw OrchestrateError.badInput("--param \(key) is given twice; give each parameter once") }
            params[key] = String(pair[pair.index(after: equals)...])
        }
        var entry: [String: JSONValue] = [
            "template": .string(template), "params": .object(params.mapValues(JSONValue.string)),
            "dependsOn": .array(add.dependsOn.map(JSONValue.string)), "paths": .array(add.paths.map(JSONValue.string)),
        ]
        if let title = add.title { entry["title"] = .string(title) }
        if let id = add.id { entry["id"] = .string(id) }
        if let description = try add.descriptionText() { entry["description"] = .string(description) }
        if let priority = add.priority { entry["priority"] = .string(priority.name) }
        let tasks = try Live.orchestrator().addTasks([TaskFileEntry(.object(entry), label: "--template \(template)")])
        Live.out(tasks.map(\.id.rawValue).joined(separator: "\n"))
        return true
    }

    private func readTaskFile(_ path: String) throws -> String {
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let data, let text = String(data: data, encoding: .utf8) else {
            throw OrchestrateError.badInput("cannot read the task file \(path); check the path (or pass - for stdin)")
        }
        return text
    }
}
