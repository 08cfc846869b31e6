import ArgumentParser
import Foundation
import OrchestrateCore

/// `git orchestrate`: the root command. Subcommands are listed here and live in `Commands/`.
struct Orchestrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-orchestrate",
        abstract: "Run many coding agents on one git repository and land their work safely.",
        usage: "git orchestrate [-C <path>]... <subcommand> [<options>]",
        discussion: """
            Each task gets its own worktree and branch; approved work lands on the target branch through the merge buffer, in dependency order.

            -C <path>  Act as if started in <path> (repeatable, like git -C).

            `man git-orchestrate` (or `git help orchestrate`) is the manual; docs/cli.md describes every command.
            """,
        version: CLI.version,
        subcommands: CLI.commands
    )
}

/// The command-line entry point.
public enum CLI {
    /// The version `--version` prints.
    public static let version = "0.1.0"

    /// Every subcommand, grouped by feature; each feature lists its commands in its own file.
    static let commands: [any ParsableCommand.Type] =
        taskCommands + reviewCommands + mergeCommands + hookCommands + agentCommands + dashboardCommands
        + [DoctorCommand.self, GCCommand.self, DemoCommand.self] + intakeCommands

    static let taskCommands: [any ParsableCommand.Type] = [
        InitCommand.self, AddCommand.self, ListCommand.self, ShowCommand.self, StartCommand.self,
        NextCommand.self, SubmitCommand.self, CancelCommand.self, StatusCommand.self, LogCommand.self,
        AuditCommand.self,
    ]

    /// Runs the command line `arguments` (without the program name) and returns the exit
    /// status: 0 success, 1 the operation ran and part of it failed, 2 bad usage or input.
    public static func run(_ arguments: [String]) -> Int32 {
        var arguments = arguments
        // `-C <path>` before the subcommand, as many times as given, like `git -C`.
        while arguments.first == "-C" {
            guard arguments.count >= 2 else {
                printError("-C needs a path: git orchestrate -C <path> <command>")
                return 2
            }
            let path = arguments[1]
            guard FileManager.default.changeCurrentDirectoryPath(path) else {
                printError("cannot change to \(path): no such directory; pass an existing path to -C")
                return 2
            }
            arguments.removeFirst(2)
        }
        // `hook <name> <git's arguments…>` runs on every commit, from the shims: a known hook
        // name skips the argument parser, whose set-up (reflecting over every command) costs
        // more instructions than the hook's own database work. Everything after the name is
        // git's, as with the parser's pass-through.
        if arguments.count >= 2, arguments[0] == "hook", HookName(rawValue: arguments[1]) != nil {
            return HookCommand.run(name: arguments[1], arguments: Array(arguments.dropFirst(2)))
        }
        if let script = CLI.completionScript(arguments) {
            print(script, terminator: "")
            return 0
        }
        if arguments.first == "help", let unknown = CLI.unknownCommand(in: Array(arguments.dropFirst())) {
            printError("\(unknown.debugDescription) is not a git orchestrate command; run `git orchestrate help` to list them")
            return 2
        }
        do {
            var command = try Orchestrate.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as OrchestrateError {
            printError(error.message)
            return error.exitCode
        } catch let error as ExitCode {
            return error.rawValue
        } catch {
            let code = Orchestrate.exitCode(for: error)
            if code == .success {
                // --help and --version: the result goes to stdout.
                print(Orchestrate.fullMessage(for: error))
                return 0
            }
            if code == .validationFailure {
                // Usage errors from the argument parser: one `error:` sentence pointing at the
                // command's help (the usage text stays with --help), exit status 2.
                printError(CLI.usageError(Orchestrate.message(for: error), arguments: arguments))
                return 2
            }
            // A failure from a lower layer (git, the database) that Core did not rephrase.
            printError("\(error)")
            return 1
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}
