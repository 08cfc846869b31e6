import Foundation
import OrchestrateModel

/// A failure with its HTTP status and the one sentence the CLI would print.
struct APIError: Error {
    var status: Int
    var message: String

    /// 400: the body or a parameter is malformed.
    static func badRequest(_ message: String) -> APIError { APIError(status: 400, message: message) }
}

/// The JSON body of a POST action, read strictly: unknown keys and wrong types are named, as
/// the configuration file's are.
struct ActionRequest {
    let fields: [String: JSONValue]

    init(body: String, allowed: Set<String>) throws {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            fields = [:]
            return
        }
        guard let value = try? JSONValue.parse(trimmed) else {
            throw APIError.badRequest("the request body is not valid JSON; send an object such as {\"comment\": \"looks good\"}")
        }
        guard let object = value.objectValue else {
            throw APIError.badRequest("the request body must be a JSON object, not \(value.typeName)")
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            let known = allowed.sorted().joined(separator: ", ")
            throw APIError.badRequest("unknown field \(unknown.debugDescription) in the request body; this action takes \(known.isEmpty ? "no fields" : known)")
        }
        fields = object
    }

    /// A string field; an empty string counts as absent.
    func string(_ key: String) throws -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s.isEmpty ? nil : s
        case let other?: throw APIError.badRequest("\(key) must be a string, not \(other.typeName)")
        }
    }

    /// A boolean field (the page's checkboxes send `true`).
    func bool(_ key: String) throws -> Bool {
        switch fields[key] {
        case nil, .null?: return false
        case .bool(let b)?: return b
        case .string("true")?, .string("on")?: return true
        case .string("false")?: return false
        case let other?: throw APIError.badRequest("\(key) must be true or false, not \(other.typeName)")
        }
    }

    /// An array of strings.
    func strings(_ key: String) throws -> [String] {
        switch fields[key] {
        case nil, .null?: return []
        case .array(let items)?:
            return try items.map {
                guard let s = $0.stringValue else { throw APIError.badRequest("\(key) must be an array of task ids") }
                return s
            }
        case let other?: throw APIError.badRequest("\(key) must be an array of task ids, not \(other.typeName)")
        }
    }
}
