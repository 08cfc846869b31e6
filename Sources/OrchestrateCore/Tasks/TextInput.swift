import Foundation

/// Checks on free text the user gives (titles, descriptions, reasons, comments) before
/// anything is written.
enum TextInput {
    /// Refuses text holding a NUL byte, exit 2: C strings (git, terminals, the agent's prompt
    /// file readers) would silently cut it there, so it is refused rather than stored.
    /// `what` names the field: "the description of T3".
    static func refuseNUL(_ text: String?, _ what: String) throws {
        guard let text, let index = text.utf8.firstIndex(of: 0) else { return }
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: index)
        throw OrchestrateError.badInput(
            "\(what) contains a NUL byte (at byte \(offset)); remove it and try again — nothing was written")
    }
}
