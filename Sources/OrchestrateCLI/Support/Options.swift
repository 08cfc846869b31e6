import ArgumentParser
import Foundation
import OrchestrateCore
import OrchestrateModel

/// `--format table|json`, taken by every read command.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: table or json.")
    var format: OutputFormat = .table
}

extension TaskState: ExpressibleByArgument {}

extension TaskPriority: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

/// The context of the running process, shared by the commands.
enum Live {
    static let context = Context.live()

    /// Opens the repository around the current directory.
    static func orchestrator() throws -> Orchestrator { try Orchestrator.open(context) }

    /// Prints a result line on stdout.
    static func out(_ line: String) { context.out(line) }

    /// Prints a diagnostic line on stderr.
    static func err(_ line: String) { context.err(line) }

    /// Prints a JSON document on stdout.
    static func json(_ value: JSONValue) { context.out(value.prettyText) }
}
