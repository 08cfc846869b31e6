/// The sample repository and the scripted agent the demo uses.
enum DemoScript {
    /// Files of the sample repository's first commit.
    static let files: [(String, String)] = [
        ("README.md", "# Shop\n\nA tiny shop.\n\nStatus: alpha\n"),
        ("src/cart.sh", "#!/bin/sh\n# Prints the items in the cart.\ncat \"$1\"\n"),
        ("src/prices.txt", "apple 3\npear 4\n"),
        ("tests/check.sh", "#!/bin/sh\n# The demo's check: every price line has a name and a number.\n! grep -vhE '^[a-z]+ [0-9]+$' src/*prices.txt\n"),
    ]

    /// The built-in agent: plain shell steps that edit and commit, chosen by task id. It sends a
    /// heartbeat like a real agent would, and commits with its own identity.
    static let agent = """
        #!/bin/sh
        # The demo's scripted agent: $1 is the task id; it runs in the task's worktree.
        set -e
        export GIT_AUTHOR_NAME="Demo Agent" GIT_AUTHOR_EMAIL="agent@demo.invalid"
        export GIT_COMMITTER_NAME="Demo Agent" GIT_COMMITTER_EMAIL="agent@demo.invalid"
        git orchestrate heartbeat "$1" >/dev/null 2>&1 || true
        case "$1" in
          T1) echo "banana 2" >> src/prices.txt
              git commit -qam "Add bananas to the price list" ;;
          T2) printf '#!/bin/sh\\n# Sums the prices.\\nawk "{ s += \\\\$2 } END { print s }" src/prices.txt\\n' > src/total.sh
              git add src/total.sh && git commit -qm "Add a price total"
              echo "cherry 9" >> src/prices.txt
              git commit -qam "Add cherries" ;;
          T3) sed -i 's/Status: alpha/Status: beta/' README.md
              git commit -qam "Promote the shop to beta" ;;
          T4) sed -i 's/Status: alpha/Status: gamma/' README.md
              git commit -qam "Promote the shop straight to gamma" ;;
          T5) echo "plum x" > src/more-prices.txt
              git add src/more-prices.txt && git commit -qm "Add plums, price unknown" ;;
          *) echo "nothing scripted for $1" >&2; exit 3 ;;
        esac
        echo "agent: finished $1"
        """

    /// The demo's configuration: the scripted agent, one check, a reviewer distinct from it.
    static func config(agentPath: String) -> String {
        """
        {
          "target": "main",
          "approvals": { "required": 1, "allowSelfApproval": false },
          "checks": [ { "name": "prices", "command": ["sh", "tests/check.sh"], "timeoutSeconds": 60 } ],
          "agent": {
            "command": ["sh", "\(agentPath)", "{id}"],
            "heartbeatSeconds": 5, "timeoutSeconds": 120, "maxConcurrent": 2, "maxAttempts": 1,
            "autoSubmit": true
          }
        }

        """
    }
}
