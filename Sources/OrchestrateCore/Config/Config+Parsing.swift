import Foundation
import OrchestrateGit
import OrchestrateModel

extension Config {
    /// The `$id` of docs/config.schema.json, which `init` writes as the file's `"$schema"`.
    public static let schemaURL = "https://git-orchestrate.dev/config.schema.json"

    /// Reads and validates the configuration file at `path`. A missing file gives the defaults;
    /// malformed JSON, unknown keys and wrong types are errors that name the key and the file.
    public static func load(path: String, defaultTarget: String, repoName: String) throws -> Config {
        try load(path: path, repoName: repoName, defaultTarget: { defaultTarget })
    }

    /// As `load(path:defaultTarget:repoName:)`, but asks for the default target only when the
    /// file does not name one (finding it means opening the main work tree's repository, which
    /// every command, hooks included, would otherwise pay for nothing).
    public static func load(path: String, repoName: String, defaultTarget: () throws -> String) throws -> Config {
        guard FileManager.default.fileExists(atPath: path) else {
            return Config(target: try defaultTarget(), repoName: repoName)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            if access(path, R_OK) != 0 && errno == EACCES {
                throw OrchestrateError.badInput("permission denied: cannot read \(path); fix its permissions (`ls -l \(path)`)")
            }
            throw OrchestrateError.badInput("cannot read \(path); check that it is a readable file")
        }
        let root: JSONValue
        do {
            root = try JSONValue.parseStrict(data)
        } catch let error as StrictJSONError {
            throw OrchestrateError.badInput(
                "\(path) is not valid JSON: \(error); fix the file (strict JSON: no comments, no trailing commas, each key once)")
        }
        // A `target` of the wrong type is refused by the reader below, naming the key.
        let named = root.objectValue?["target"]?.stringValue
        var config = Config(target: try named ?? defaultTarget(), repoName: repoName)
        var reader = ConfigReader(file: path)
        try reader.read(root, into: &config)
        return config
    }
}

/// Walks the JSON tree, filling a `Config` and refusing unknown keys and wrong types.
struct ConfigReader {
    let file: String

    func fail(_ key: String, _ problem: String) -> OrchestrateError {
        .badInput("\(file): key `\(key)` \(problem); fix it (see docs/configuration.md)")
    }

    func object(_ value: JSONValue, _ key: String, allowed: Set<String>) throws -> [String: JSONValue] {
        guard let fields = value.objectValue else { throw fail(key, "must be an object, not \(value.typeName)") }
        for name in fields.keys.sorted() where !allowed.contains(name) {
            let full = key.isEmpty ? name : "\(key).\(name)"
            throw OrchestrateError.badInput(
                "\(file): unknown key `\(full)`; remove it or check its spelling (see docs/configuration.md)")
        }
        return fields
    }

    func string(_ value: JSONValue, _ key: String, nonEmpty: Bool = true) throws -> String {
        guard let s = value.stringValue else { throw fail(key, "must be a string, not \(value.typeName)") }
        if nonEmpty && s.isEmpty { throw fail(key, "must not be empty") }
        return s
    }

    func bool(_ value: JSONValue, _ key: String) throws -> Bool {
        guard let b = value.boolValue else { throw fail(key, "must be true or false, not \(value.typeName)") }
        return b
    }

    func int(_ value: JSONValue, _ key: String, min: Int) throws -> Int {
        guard let i = value.intValue else { throw fail(key, "must be a whole number, not \(value.typeName)") }
        guard i >= min else { throw fail(key, "must be at least \(min)") }
        return Int(i)
    }

    func strings(_ value: JSONValue, _ key: String) throws -> [String] {
        guard let items = value.arrayValue else { throw fail(key, "must be an array of strings, not \(value.typeName)") }
        return try items.enumerated().map { try string($1, "\(key)[\($0)]") }
    }

    func argv(_ value: JSONValue, _ key: String) throws -> [String] {
        let args = try strings(value, key)
        guard !args.isEmpty else { throw fail(key, "must name a program: an argv array such as [\"make\", \"test\"]") }
        return args
    }

    mutating func read(_ root: JSONValue, into config: inout Config) throws {
        let fields = try object(
            root, "",
            allowed: [
                "$schema", "target", "branchPrefix", "worktreeRoot", "protectedBranches", "approvals",
                "checks", "merge", "stacking", "enforcePaths", "agent", "gate", "sync", "templates",
            ])
        if let v = fields["$schema"] { _ = try string(v, "$schema") }
        if let v = fields["target"] {
            config.target = try string(v, "target")
            guard Repository.isValidReferenceName("refs/heads/" + config.target) else {
                throw fail("target", "is \(config.target.debugDescription), which is not a valid branch name (see `git check-ref-format --branch`)")
            }
        }
        // The target's default protection follows the target unless set explicitly.
        config.protectedBranches = [config.target]
        if let v = fields["branchPrefix"] {
            config.branchPrefix = try string(v, "branchPrefix")
            guard !config.branchPrefix.hasPrefix("/"), !config.branchPrefix.contains(".."),
                !config.branchPrefix.contains(" "), Repository.isValidReferenceName("refs/heads/" + config.branchPrefix + "T1")
            else { throw fail("branchPrefix", "must be a valid branch-name prefix such as \"orchestrate/\"") }
        }
        if let v = fields["worktreeRoot"] { config.worktreeRoot = try string(v, "worktreeRoot") }
        if let v = fields["protectedBranches"] { config.protectedBranches = try strings(v, "protectedBranches") }
        if let v = fields["stacking"] { config.stacking = try bool(v, "stacking") }
        if let v = fields["enforcePaths"] { config.enforcePaths = try bool(v, "enforcePaths") }
        if let v = fields["approvals"] { try readApprovals(v, into: &config.approvals) }
        if let v = fields["checks"] { config.checks = try readChecks(v) }
        if let v = fields["merge"] {
            let m = try object(v, "merge", allowed: ["keepWorktrees", "maxRetries", "onFailure", "cleanup", "batchSize", "parallelChecks"])
            if let x = m["keepWorktrees"] { config.merge.keepWorktrees = try bool(x, "merge.keepWorktrees") }
            if let x = m["maxRetries"] { config.merge.maxRetries = try int(x, "merge.maxRetries", min: 0) }
            if let x = m["onFailure"] { config.merge.onFailure = try choice(x, "merge.onFailure") }
            if let x = m["cleanup"] { config.merge.cleanup = try choice(x, "merge.cleanup") }
            if let x = m["batchSize"] { config.merge.batchSize = try int(x, "merge.batchSize", min: 1) }
            if let x = m["parallelChecks"] { config.merge.parallelChecks = try int(x, "merge.parallelChecks", min: 1) }
        }
        if let v = fields["gate"] {
            let g = try object(v, "gate", allowed: ["failClosed", "allowProtectedDeletion"])
            if let x = g["failClosed"] { config.gateFailClosed = try bool(x, "gate.failClosed") }
            if let x = g["allowProtectedDeletion"] {
                config.allowProtectedDeletion = try bool(x, "gate.allowProtectedDeletion")
            }
        }
        if let v = fields["agent"] { try readAgent(v, into: &config.agent) }
        if let v = fields["sync"] {
            let s = try object(v, "sync", allowed: ["remote"])
            if let x = s["remote"] { config.syncRemote = try string(x, "sync.remote") }
        }
        if let v = fields["templates"] { config.templates = try readTemplates(v) }
    }

    func readApprovals(_ value: JSONValue, into approvals: inout Config.Approvals) throws {
        let a = try object(value, "approvals", allowed: ["required", "allowSelfApproval", "approvers", "requireSigned"])
        if let x = a["required"] { approvals.required = try int(x, "approvals.required", min: 1) }
        if let x = a["allowSelfApproval"] { approvals.allowSelfApproval = try bool(x, "approvals.allowSelfApproval") }
        if let x = a["approvers"] { approvals.approvers = try strings(x, "approvals.approvers") }
        if let x = a["requireSigned"] { approvals.requireSigned = try bool(x, "approvals.requireSigned") }
    }

    func readChecks(_ value: JSONValue) throws -> [Config.Check] {
        guard let items = value.arrayValue else { throw fail("checks", "must be an array of objects, not \(value.typeName)") }
        var names = Set<String>()
        return try items.enumerated().map { index, item in
            let key = "checks[\(index)]"
            let c = try object(item, key, allowed: ["name", "command", "timeoutSeconds", "retries"])
            guard let nameValue = c["name"] else { throw fail(key, "needs a `name`") }
            guard let commandValue = c["command"] else { throw fail(key, "needs a `command` (an argv array)") }
            var check = Config.Check(
                name: try string(nameValue, "\(key).name"), command: try argv(commandValue, "\(key).command"))
            guard names.insert(check.name).inserted else { throw fail("\(key).name", "repeats the check name \"\(check.name)\"") }
            if let t = c["timeoutSeconds"] { check.timeoutSeconds = try int(t, "\(key).timeoutSeconds", min: 1) }
            if let r = c["retries"] {
                check.retries = try int(r, "\(key).retries", min: 0)
                guard check.retries <= Config.Check.maxRetries else {
                    throw fail("\(key).retries", "must be at most \(Config.Check.maxRetries)")
                }
            }
            return check
        }
    }

    func readAgent(_ value: JSONValue, into agent: inout Config.Agent) throws {
        let a = try object(
            value, "agent",
            allowed: [
                "command", "env", "heartbeatSeconds", "timeoutSeconds", "maxConcurrent", "maxAttempts",
                "autoSubmit", "setup", "stallSeconds", "onStall", "maxLogBytes",
            ])
        if let x = a["command"] { agent.command = try argv(x, "agent.command") }
        if let x = a["env"] {
            guard let env = x.objectValue else { throw fail("agent.env", "must be an object of strings") }
            agent.env = try env.reduce(into: [:]) { result, pair in
                result[pair.key] = try string(pair.value, "agent.env.\(pair.key)", nonEmpty: false)
            }
        }
        if let x = a["heartbeatSeconds"] { agent.heartbeatSeconds = try int(x, "agent.heartbeatSeconds", min: 1) }
        if let x = a["timeoutSeconds"] { agent.timeoutSeconds = try int(x, "agent.timeoutSeconds", min: 1) }
        if let x = a["maxConcurrent"] { agent.maxConcurrent = try int(x, "agent.maxConcurrent", min: 1) }
        if let x = a["maxAttempts"] { agent.maxAttempts = try int(x, "agent.maxAttempts", min: 1) }
        if let x = a["autoSubmit"] { agent.autoSubmit = try bool(x, "agent.autoSubmit") }
        if let x = a["maxLogBytes"] { agent.maxLogBytes = try int(x, "agent.maxLogBytes", min: 4096) }
        if let x = a["stallSeconds"] { agent.stallSeconds = try int(x, "agent.stallSeconds", min: 1) }
        if let x = a["onStall"] { agent.onStall = try choice(x, "agent.onStall") }
        if let x = a["setup"] {
            let s = try object(x, "agent.setup", allowed: ["copy", "command"])
            if let c = s["copy"] { agent.setup.copy = try strings(c, "agent.setup.copy") }
            if let c = s["command"] { agent.setup.command = try argv(c, "agent.setup.command") }
        }
    }

    /// One of an enumeration's raw values, the others named in the error.
    func choice<T: RawRepresentable & CaseIterable>(_ value: JSONValue, _ key: String) throws -> T where T.RawValue == String {
        let names = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
        guard let text = value.stringValue, let result = T(rawValue: text) else {
            throw fail(key, "must be \(names)")
        }
        return result
    }
}
