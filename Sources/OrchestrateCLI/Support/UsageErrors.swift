import ArgumentParser

extension CLI {
    /// The argument parser's complaint as one sentence that names the next step: the help of
    /// the (sub)command the arguments were meant for.
    static func usageError(_ message: String, arguments: [String]) -> String {
        var text = message.split(separator: "\n").first.map(String.init) ?? message
        text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("Error: ") { text = String(text.dropFirst("Error: ".count)) }
        if text.hasSuffix(".") { text.removeLast() }
        text = text.replacingOccurrences(of: ". Please provide", with: ": provide")
        if let first = text.first, first.isUppercase, text.dropFirst().first?.isLowercase ?? false {
            text = first.lowercased() + text.dropFirst()
        }
        let path = (["git orchestrate"] + commandPath(arguments)).joined(separator: " ")
        return "\(text); see `\(path) --help`"
    }

    /// The subcommand names at the start of `arguments` (`hooks install` of
    /// `hooks install --format x`).
    static func commandPath(_ arguments: [String]) -> [String] {
        var path: [String] = []
        var level: [any ParsableCommand.Type] = commands
        for argument in arguments {
            guard let next = level.first(where: { $0.configuration.commandName == argument }) else { break }
            path.append(argument)
            level = next.configuration.subcommands
        }
        return path
    }

    /// The first word of `help <words>` that names no command at its level, or nil.
    static func unknownCommand(in words: [String]) -> String? {
        var level: [any ParsableCommand.Type] = commands
        for word in words where !word.hasPrefix("-") {
            guard let next = level.first(where: { $0.configuration.commandName == word }) else { return word }
            level = next.configuration.subcommands
        }
        return nil
    }
}
