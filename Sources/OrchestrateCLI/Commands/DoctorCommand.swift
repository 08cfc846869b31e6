import ArgumentParser
import OrchestrateCore

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the database, hooks and worktrees against the recorded state.",
        discussion: "Exits 1 when a problem remains. --repair fixes only what cannot lose work.")

    @Flag(name: .long, help: "Repair what is safe to repair.")
    var repair = false

    func run() throws {
        let findings = try Live.orchestrator().doctor(repair: repair)
        for finding in findings {
            let mark = finding.repaired ? "repaired" : finding.severity.rawValue
            Live.out("\(mark): \(finding.message)")
        }
        if findings.contains(where: { $0.severity == .problem && !$0.repaired }) { throw ExitCode(1) }
    }
}
