import ArgumentParser
import OrchestrateCore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a sample repository and run the whole flow on it with a scripted agent.")

    @Option(name: .long, help: "Where to create the sample (a new or empty folder; default: a temporary folder).")
    var dir: String?

    func run() throws {
        try Demo(context: Live.context, directory: dir).run()
    }
}
