import Foundation
import OrchestrateCLI

/// `git-orchestrate`: everything happens in OrchestrateCLI; this only hands over the arguments
/// and returns the exit status.
@main
enum Entrypoint {
    static func main() {
        exit(CLI.run(Array(CommandLine.arguments.dropFirst())))
    }
}
