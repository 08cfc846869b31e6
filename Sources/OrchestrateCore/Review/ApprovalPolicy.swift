import Foundation

/// A person as written in git (`Name <email>`), an e-mail address alone, or an agent name;
/// compared by e-mail when both sides have one, else by the whole text.
public struct PersonIdentity: Sendable, Equatable, CustomStringConvertible {
    /// The text as given.
    public let text: String
    /// The e-mail address, lowercased, when the text holds one.
    public let email: String?
    /// The name part (`Name` of `Name <email>`, or the whole text when there is no `<`).
    public let name: String

    public init(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        self.text = trimmed
        if let open = trimmed.lastIndex(of: "<"), let close = trimmed.lastIndex(of: ">"), open < close {
            let inner = trimmed[trimmed.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            email = inner.isEmpty ? nil : inner.lowercased()
            name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        } else if trimmed.contains("@"), !trimmed.contains(" ") {
            email = trimmed.lowercased()
            name = trimmed
        } else {
            email = nil
            name = trimmed
        }
    }

    /// Whether both name the same person: the same e-mail, the same full text, or — when one
    /// side has no e-mail (an agent name, a bare name) — the same name.
    public func matches(_ other: PersonIdentity) -> Bool {
        if let a = email, let b = other.email, a == b { return true }
        if text.caseInsensitiveCompare(other.text) == .orderedSame { return true }
        if email == nil || other.email == nil, !name.isEmpty {
            return name.caseInsensitiveCompare(other.name) == .orderedSame
        }
        return false
    }

    public var description: String { text }

    /// Whether `text` is written as git writes a person, `Name <email>`: a non-empty name, and
    /// an address with an `@` and neither angle brackets nor spaces inside.
    public static func isGitIdentity(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasSuffix(">"), let open = trimmed.firstIndex(of: "<") else { return false }
        let name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        let email = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        return !name.isEmpty && !name.contains("<") && !name.contains(">")
            && email.contains("@") && !email.contains(where: { $0 == "<" || $0 == ">" || $0 == " " })
    }
}

/// Why an approval was refused: which rule of `approvals` in the configuration.
enum ApprovalRule {
    /// `approvers` is set and does not name the approver.
    case notAnApprover(allowed: [String])
    /// `allowSelfApproval` is false and the approver wrote (or claimed) the task.
    case selfApproval(authoredAs: String)
}

extension Config.Approvals {
    /// The rule that refuses `approver` for a change written by `authors`, or nil when the
    /// approval may be recorded.
    func refusal(of approver: PersonIdentity, authors: [PersonIdentity]) -> ApprovalRule? {
        if !approvers.isEmpty, !approvers.map(PersonIdentity.init).contains(where: { $0.matches(approver) }) {
            return .notAnApprover(allowed: approvers)
        }
        if !allowSelfApproval, let author = authors.first(where: { $0.matches(approver) }) {
            return .selfApproval(authoredAs: author.text)
        }
        return nil
    }
}
