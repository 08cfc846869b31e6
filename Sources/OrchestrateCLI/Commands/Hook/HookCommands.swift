import ArgumentParser
import Foundation
import OrchestrateCore
import OrchestrateModel

extension CLI {
    /// The commands of this feature, in the order `--help` lists them.
    static let hookCommands: [any ParsableCommand.Type] = [
        HooksCommand.self, VerifyCommand.self, HookCommand.self,
    ]
}

struct HooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks", abstract: "Install, remove or inspect the git hooks (see docs/hooks.md).",
        subcommands: [HooksInstallCommand.self, HooksUninstallCommand.self, HooksStatusCommand.self])
}

struct HooksInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the hooks in the effective hooks folder; hooks already there are kept and chained.")

    @OptionGroup var output: FormatOption

    @Flag(name: .long, help: "In a shared bare repository: install the pre-receive gate (docs/security.md).")
    var server = false

    @Option(name: .customLong("protect"), help: "With --server: a protected branch glob (repeatable; default: the HEAD branch).")
    var protect: [String] = []

    @Option(name: .long, help: "With --server: distinct approvers needed.")
    var required: Int = 1

    @Flag(name: .customLong("require-signed"), help: "With --server: count only approvals signed by the server's allowed signers.")
    var requireSigned = false

    func run() throws {
        if server {
            let report = try ServerHook.install(
                Live.context, protectedBranches: protect, required: max(1, required), requireSigned: requireSigned)
            Live.out("installed the server gate \(report.hookPath)\(report.chained ? " (the hook that was there is chained)" : ""): protecting \(report.protectedBranches.joined(separator: ", "))\(report.requireSigned ? ", signed approvals required" : "")")
            return
        }
        let orchestrator = try Live.orchestrator()
        HookRendering.render(try orchestrator.installHooks(), folder: try orchestrator.hooksDirectory(),
            worktrees: try orchestrator.worktreeHookCoverage(), format: output.format)
    }
}

struct HooksUninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall", abstract: "Remove the hooks and restore exactly what was there before.")

    @OptionGroup var output: FormatOption

    func run() throws {
        let orchestrator = try Live.orchestrator()
        HookRendering.render(try orchestrator.uninstallHooks(), folder: try orchestrator.hooksDirectory(),
            worktrees: try orchestrator.worktreeHookCoverage(), format: output.format)
    }
}

struct HooksStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Which hooks are ours, chained, missing or someone else's.")

    @OptionGroup var output: FormatOption

    func run() throws {
        let orchestrator = try Live.orchestrator()
        HookRendering.render(try orchestrator.hookStatus(), folder: try orchestrator.hooksDirectory(),
            worktrees: try orchestrator.worktreeHookCoverage(), format: output.format)
    }
}

enum HookRendering {
    static func render(_ hooks: [HookStatus], folder: String, worktrees: [WorktreeHookCoverage], format: OutputFormat) {
        switch format {
        case .json:
            Live.json([
                "folder": .string(folder),
                "hooks": .array(hooks.map { h in
                    var o: [String: JSONValue] = [
                        "name": .string(h.name.rawValue), "state": .string(h.state.rawValue), "path": .string(h.path),
                        "chainedPath": .optional(h.chainedPath),
                        "manager": .optional(h.manager), "keptShimPath": .optional(h.keptShimPath),
                    ]
                    if !h.action.isEmpty { o["action"] = .string(h.action) }
                    return .object(o)
                }),
                // With a relative core.hooksPath: whether git runs the shims in each work tree.
                "worktrees": .array(worktrees.map { ["path": .string($0.workTree), "covered": .bool($0.covered)] }),
            ])
        case .table:
            var table = hooks.contains { !$0.action.isEmpty }
                ? Table("HOOK", "STATE", "ACTION", "CHAINED") : Table("HOOK", "STATE", "CHAINED")
            for h in hooks {
                let chained = h.chainedPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "-"
                if h.action.isEmpty {
                    table.add(h.name.rawValue, h.state.rawValue, chained)
                } else {
                    table.add(h.name.rawValue, h.state.rawValue, h.action, chained)
                }
            }
            var text = "hooks folder \(folder)\n" + table.text
            for tree in worktrees {
                text += "\nwork tree \(tree.workTree): " + (tree.covered ? "runs these hooks" : "does NOT run these hooks (run `git orchestrate hooks install`)")
            }
            Live.out(text)
        }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "The approval gate as a command: exit 1 listing each commit of the range that lacks approval.",
        discussion: "A range A..B checks the commits of B that A lacks; a single revision checks all its history. For CI: git orchestrate verify origin/main..HEAD")

    @Argument(help: "A revision range (A..B) or a single revision.")
    var range: String

    @OptionGroup var output: FormatOption

    func run() throws {
        let report = try Live.orchestrator().verify(range: range)
        switch output.format {
        case .json:
            Live.json([
                "range": .string(report.range), "passed": .bool(report.passed),
                "commits": .int(Int64(report.commitCount)),
                "offenders": .array(report.offenders.map { o in
                    ["oid": .string(o.oid.hex), "summary": .string(o.summary), "task": .optional(o.task?.rawValue)]
                }),
            ])
        case .table:
            if report.passed {
                Live.out("\(report.range): all \(report.commitCount) commit\(report.commitCount == 1 ? " is" : "s are") approved")
            } else {
                Live.out(report.offenders.map { "\($0.oid.short()) \($0.summary) — \($0.remedy)" }.joined(separator: "\n"))
            }
        }
        if !report.passed {
            Live.err("error: \(report.offenders.count) of the \(report.commitCount) commits in \(report.range) lack approval (listed above); approve them and run verify again")
            throw ExitCode(1)
        }
    }
}

/// `git-orchestrate hook <name> [args]`: what the shims in the hooks folder call.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Run a git hook (called by the installed shims).", shouldDisplay: false)

    @Argument(help: "The hook's name.")
    var name: String

    @Argument(parsing: .captureForPassthrough, help: "The arguments git gave the hook.")
    var arguments: [String] = []

    func run() throws {
        let status = HookCommand.run(name: name, arguments: arguments)
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs hook `name` with git's `arguments`; the exit status for git. `CLI.run` calls this
    /// straight for a known hook name, without the argument parser.
    static func run(name: String, arguments: [String]) -> Int32 {
        let needsInput = name == HookName.prePush.rawValue || name == HookName.referenceTransaction.rawValue || name == "pre-receive"
        let input = needsInput ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : ""
        return HookRunner.run(Live.context, name: name, arguments: arguments, input: input)
    }
}
