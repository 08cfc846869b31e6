import ArgumentParser
import Foundation
import OrchestrateCore

extension CompletionKind {
    /// Task ids from the database of the repository the shell is in (nothing outside one).
    static var taskIDs: CompletionKind {
        .custom { _, _, prefix in
            guard let tasks = try? Orchestrator.open(Context.live()).listTasks(states: []) else { return [] }
            return tasks.map(\.id.rawValue).filter { $0.hasPrefix(prefix) }
        }
    }
}

extension CLI {
    /// `--generate-completion-script SHELL`: the argument parser's script, plus for bash the
    /// function git's own completion (git-completion.bash) calls for `git orchestrate …`,
    /// `_git_orchestrate`. (git's zsh completion looks for `_git-orchestrate`, the name the zsh
    /// script already defines.) Nil when the arguments ask for something else.
    static func completionScript(_ arguments: [String]) -> String? {
        var shellName: String?
        if arguments.count == 2, arguments[0] == "--generate-completion-script" { shellName = arguments[1] }
        if arguments.count == 1, arguments[0].hasPrefix("--generate-completion-script=") {
            shellName = String(arguments[0].dropFirst("--generate-completion-script=".count))
        }
        guard let shellName, let shell = CompletionShell(rawValue: shellName) else { return nil }
        let script = Orchestrate.completionScript(for: shell)
        return shell == .bash ? script + gitBashBridge : script
    }

    static let gitBashBridge = #"""

        # git's completion (git-completion.bash) completes `git [options] orchestrate …` by calling
        # _git_orchestrate: complete as `git-orchestrate …` would, with the words from `orchestrate` on.
        _git_orchestrate() {
            local -i at=1
            while [[ ${at} -lt ${COMP_CWORD} && ${COMP_WORDS[at]} != orchestrate ]]; do at+=1; done
            local before="${COMP_LINE:0:${COMP_POINT}}"
            local head="${before%%orchestrate*}orchestrate"
            local -a COMP_WORDS=("git-orchestrate" "${COMP_WORDS[@]:$((at + 1))}")
            local -i COMP_CWORD=$((COMP_CWORD - at))
            local COMP_LINE="git-orchestrate${COMP_LINE:${#head}}"
            local -i COMP_POINT=$((COMP_POINT - ${#head} + 15))
            _git-orchestrate git-orchestrate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        }

        """#
}
