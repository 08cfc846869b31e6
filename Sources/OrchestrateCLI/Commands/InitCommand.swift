import ArgumentParser
import OrchestrateCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up git-orchestrate in this repository (idempotent).",
        discussion: "Writes .augment-orchestrator.json if absent (never overwrites it), creates the state database under the git common dir, and installs the hooks.")

    @Option(name: .long, help: "The branch work lands on (default: the branch checked out now).")
    var target: String?

    @Flag(name: .long, help: "Do not install the git hooks.")
    var noHooks = false

    @Flag(name: .long, help: "Start an empty state database even though git still has task branches or refs (after losing the database, with no backup).")
    var newDatabase = false

    func run() throws {
        let orchestrator = try Orchestrator.initialize(Live.context, target: target, newDatabase: newDatabase)
        if !noHooks { try orchestrator.installHooks() }
        Live.out("Initialized git-orchestrate in \(orchestrator.paths.mainWorktree) (target \(orchestrator.config.target), state \(orchestrator.paths.stateDir))")
    }
}
