import Foundation
import MCP
import OrchestrateModel

extension Value {
    /// The SDK's value for one of our JSON documents.
    init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(Int(i))
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map { Value(json: $0) })
        case .object(let fields): self = .object(fields.mapValues { Value(json: $0) })
        }
    }
}

extension JSONValue {
    /// One of our JSON values for the SDK's (tool arguments).
    init(mcp value: MCP.Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(Int64(i))
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        // A string the SDK took for a data URL: give back the text the client sent.
        case .data(let mimeType, let data):
            self = .string("data:\(mimeType ?? "");base64,\(data.base64EncodedString())")
        case .array(let items): self = .array(items.map { JSONValue(mcp: $0) })
        case .object(let fields): self = .object(fields.mapValues { JSONValue(mcp: $0) })
        }
    }
}
