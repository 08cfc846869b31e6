#!/usr/bin/env python3
"""Times the server gate (`hooks install --server`, pre-receive) on a push of N approved
commits (default 10,000), against the same push to a server without the hook.

Usage: scripts/bench_pre_receive.py [--commits N] [--runs R] [--binary PATH]
Set-up (not timed): a repository whose task T1 holds N commits made with git fast-import,
approved with the real commands; the ledger published to both servers. Timed: `git push
--no-verify` of main (fast-forwarded to T1) to each server, each run on fresh copies.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ)
for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY"):
    ENV.pop(key, None)
ENV.update({
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_AUTHOR_NAME": "Agent",
    "GIT_AUTHOR_EMAIL": "agent@bench.invalid", "GIT_COMMITTER_NAME": "Agent",
    "GIT_COMMITTER_EMAIL": "agent@bench.invalid", "TZ": "UTC", "NO_COLOR": "1",
})


def run(args, cwd, env=ENV, input=None):
    result = subprocess.run(args, cwd=cwd, env=env, input=input, capture_output=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed in {cwd}: {result.stderr.decode(errors='replace')}")
    return result.stdout.decode().strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "git-orchestrate"))
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no git-orchestrate at {binary}; build it (swift build -c release) or pass --binary")
    ENV["PATH"] = os.path.dirname(binary) + ":" + ENV.get("PATH", "")
    scratch = tempfile.mkdtemp(prefix="bench-pre-receive-")
    try:
        repo = os.path.join(scratch, "repo")
        os.makedirs(repo)
        run(["git", "init", "-q", "-b", "main"], repo)
        with open(os.path.join(repo, "README.md"), "w") as f:
            f.write("bench\n")
        run(["git", "add", "-A"], repo)
        run(["git", "commit", "-q", "-m", "initial"], repo)
        run([binary, "init"], repo)
        run([binary, "add", "Many commits", "--id", "T1"], repo)
        worktree = run([binary, "start", "T1"], repo)
        base = run(["git", "rev-parse", "orchestrate/T1"], repo)
        stream = [f"reset refs/heads/orchestrate/T1\nfrom {base}\n"]
        for i in range(args.commits):
            data = f"line {i}\n"
            stream.append(
                f"commit refs/heads/orchestrate/T1\ncommitter Agent <agent@bench.invalid> {1700000000 + i} +0000\n"
                f"data 9\ncommit {i % 10}\nM 100644 inline file{i % 100}.txt\ndata {len(data)}\n{data}\n")
        run(["git", "fast-import", "--quiet"], repo, input="".join(stream).encode())
        run(["git", "reset", "-q", "--hard"], worktree)  # fast-import moved the branch under it
        run([binary, "submit", "T1"], repo)
        reviewer = dict(ENV, GIT_COMMITTER_NAME="Reviewer", GIT_COMMITTER_EMAIL="reviewer@bench.invalid")
        run([binary, "approve", "T1"], repo, env=reviewer)
        run(["git", "merge", "-q", "--ff-only", "orchestrate/T1"], repo)
        times = {"with the server gate": [], "without a hook": []}
        for r in range(args.runs):
            for label in times:
                server = os.path.join(scratch, f"server-{r}-{len(label)}.git")
                run(["git", "init", "-q", "--bare", "-b", "main", server], scratch)
                run(["git", "push", "-q", "--no-verify", server, f"{base}:refs/heads/main", "refs/orchestrate/ledger"], repo)
                if label == "with the server gate":
                    run([binary, "hooks", "install", "--server"], server)
                start = time.perf_counter()
                run(["git", "push", "-q", "--no-verify", server, "main"], repo)
                times[label].append(time.perf_counter() - start)
        print(f"push of {args.commits} approved commits to a bare server (median of {args.runs}):")
        for label, values in times.items():
            print(f"  {label:22} {statistics.median(values) * 1000:8.0f} ms")
        gate = statistics.median(times["with the server gate"]) - statistics.median(times["without a hook"])
        print(f"  the gate's own cost     {gate * 1000:8.0f} ms")
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
