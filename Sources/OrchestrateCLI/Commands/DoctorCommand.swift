import ArgumentParser
import OrchestrateCore
import OrchestrateModel

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the database, hooks and worktrees against the recorded state.",
        discussion: "Exits 1 when a problem remains. --repair fixes only what cannot lose work.")

    @Flag(name: .long, help: "Repair what is safe to repair.")
    var repair = false

    @OptionGroup var format: FormatOption

    func run() throws {
        let findings = try Orchestrator.doctor(Live.context, repair: repair)
        let left = findings.filter { $0.severity == .problem && !$0.repaired }
        let healthy = left.isEmpty
        switch format.format {
        case .json:
            Live.json([
                "healthy": .bool(healthy),
                "findings": .array(findings.map { finding in
                    ["severity": .string(finding.severity.rawValue), "repaired": .bool(finding.repaired),
                     "message": .string(finding.message)]
                }),
            ])
        case .table:
            for finding in findings {
                let mark = finding.repaired ? "repaired" : finding.severity.rawValue
                Live.out("\(mark): \(finding.message)")
            }
            if repair && !left.isEmpty {
                Live.out("left: \(left.count) problem\(left.count == 1 ? "" : "s") that --repair cannot fix safely (above); follow the advice given for each")
            }
        }
        if !healthy { throw ExitCode(1) }
    }
}
