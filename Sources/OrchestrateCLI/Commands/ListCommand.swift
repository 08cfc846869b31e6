import ArgumentParser
import OrchestrateCore
import OrchestrateModel

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tasks.")

    @Option(name: .long, help: "Only tasks in this state (repeatable).")
    var state: [TaskState] = []

    @OptionGroup var output: FormatOption

    func run() throws {
        let tasks = try Live.orchestrator().listTasks(states: state)
        switch output.format {
        case .json:
            var writer = JSONObjectsWriter()
            for task in tasks {
                writer.appendObject { task.jsonFields($0) }
                if let text = writer.takeText(ifAtLeast: 1 << 16) { Live.context.outRaw(text) }
            }
            Live.out(writer.finish())
        case .table:
            var table = Table("ID", "STATE", "PRIORITY", "DEPENDS ON", "HEAD", "TITLE")
            for t in tasks {
                table.add(t.id.rawValue, t.state.rawValue, t.priority.name, Short.list(t.dependsOn), Short.oid(t.head), Short.title(t.title))
            }
            Live.out(table.text)
        }
    }
}
