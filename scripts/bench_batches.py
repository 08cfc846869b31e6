#!/usr/bin/env python3
"""The merge buffer with real checks: batches, bisection and parallel check slots against one
task at a time (`merge.batchSize: 1`), on the same approved tasks and the same check script.

Scenarios (issue 15's targets):
  - 12 independent tasks, a 2 s check, all pass: at most 2 check runs, under 40% of serial;
  - the same with one culprit: the other 11 land, at most 9 check runs, under 60% of serial;
  - 100 tasks, a 1 s check, 5% culprits: at most 1.2 check runs per landed task.
Each side runs once on a copy of one set-up (a check takes seconds: the check time dominates
and the spread is small). Reported: wall time of `merge`, check runs, tasks landed, and the
ideal — the seconds of checking our runs needed, spread over the parallel slots.

Standalone: scripts/bench_batches.py --binary .build/release/git-orchestrate
From scripts/bench.py: the `batches` scenario.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERMETIC = {
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_AUTHOR_NAME": "Bench Author", "GIT_AUTHOR_EMAIL": "author@bench.invalid",
    "GIT_COMMITTER_NAME": "Bench Author", "GIT_COMMITTER_EMAIL": "author@bench.invalid",
    "TZ": "UTC", "NO_COLOR": "1",
}
# Approvals come from a reviewer other than the author, as git knows them (committer identity).
REVIEWER = {"GIT_COMMITTER_NAME": "Bench Reviewer", "GIT_COMMITTER_EMAIL": "reviewer@bench.invalid"}


def env(extra=None):
    e = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR")}
    e.update(HERMETIC)
    e.update(extra or {})
    return e


def run(args, cwd, check=True, identity=None):
    result = subprocess.run(args, cwd=cwd, env=env(identity), capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"error: `{' '.join(args)}` failed in {cwd}: {result.stderr.strip()}")
    return result


def log(message):
    print(message, file=sys.stderr, flush=True)


def set_up(binary, folder, tasks, culprits):
    """A small repository with `tasks` approved tasks, one new file each; the tasks at the
    positions in `culprits` also add a file the check refuses. Returns the repository path."""
    repo = os.path.join(folder, "repo")
    os.makedirs(repo)
    run(["git", "init", "-q", "-b", "main"], repo)
    with open(os.path.join(repo, "README.md"), "w") as handle:
        handle.write("bench\n")
    run(["git", "add", "README.md"], repo)
    run(["git", "commit", "-q", "-m", "initial"], repo)
    run([binary, "init", "--no-hooks"], repo)
    for i in range(1, tasks + 1):
        if i % 20 == 0:
            log(f"batches: set up {i} of {tasks} tasks")
        tid = f"B{i}"
        run([binary, "add", f"bench task {tid}", "--id", tid], repo)
        wt = run([binary, "start", tid], repo).stdout.strip().splitlines()[-1]
        names = [f"tasks/{tid}.txt"] + ([f"BROKEN-{tid}"] if i in culprits else [])
        for name in names:
            os.makedirs(os.path.dirname(os.path.join(wt, name)) or wt, exist_ok=True)
            with open(os.path.join(wt, name), "w") as handle:
                handle.write(f"work of {tid}\n")
        run(["git", "add"] + names, wt)
        run(["git", "commit", "-q", "--no-verify", "-m", f"Task {tid}"], wt)
        run([binary, "submit", tid], repo)
        run([binary, "approve", tid], repo, identity=REVIEWER)
    return repo


def configure(repo, check_seconds, batch_size, parallel, log_path):
    """The check (sleeps, logs, fails on a BROKEN-* file), written uncommitted: both sides
    land the very same commits."""
    script = os.path.join(os.path.dirname(repo), "check.sh")
    with open(script, "w") as handle:
        handle.write(f"#!/bin/sh\nsleep {check_seconds}\necho run >> '{log_path}'\n"
                     "for f in BROKEN-*; do [ -e \"$f\" ] && exit 1; done\nexit 0\n")
    os.chmod(script, 0o755)
    config = {"merge": {"batchSize": batch_size, "parallelChecks": parallel, "onFailure": "stop"},
              "checks": [{"name": "suite", "command": [script]}]}
    with open(os.path.join(repo, ".augment-orchestrator.json"), "w") as handle:
        json.dump(config, handle)


def measure(binary, base, label, check_seconds, batch_size, parallel):
    """Lands the set-up's tasks from a fresh copy of its snapshot, put where the set-up was
    (worktrees and the database hold absolute paths)."""
    setup = os.path.join(base, "setup")
    if os.path.exists(setup):
        os.rename(setup, os.path.join(base, f"before-{label}"))
    shutil.copytree(os.path.join(base, "snapshot"), setup, symlinks=True)
    repo = os.path.join(setup, "repo")
    log_path = os.path.join(base, f"checks-{label}.log")
    configure(repo, check_seconds, batch_size, parallel, log_path)
    start = time.monotonic()
    result = run([binary, "merge", "--format", "json"], repo, check=False)
    seconds = time.monotonic() - start
    report = json.loads(result.stdout or "{}")
    landed = len(report.get("landed", []))
    failed = sum(1 for t in report.get("tasks", []) if t.get("result") == "failed")
    finished = 0
    if os.path.exists(log_path):
        with open(log_path) as handle:
            finished = sum(1 for _ in handle)
    # Batched: every run started (killed speculation included); serial: every run.
    started = report.get("checkRuns", finished) if batch_size > 1 else finished
    os.rename(setup, os.path.join(base, label))
    return {"seconds": seconds, "landed": landed, "failed": failed, "checkRuns": started, "finished": finished}


def scenario_pair(binary, folder, name, tasks, culprits, check_seconds, parallel, batch_size=20):
    """Sets the tasks up once, then lands them batched and serially from copies."""
    base = os.path.join(folder, name)
    os.makedirs(base)
    setup = os.path.join(base, "setup")
    os.makedirs(setup)
    set_up(binary, setup, tasks, culprits)
    snapshot = os.path.join(base, "snapshot")
    shutil.copytree(setup, snapshot, symlinks=True)
    ours = measure(binary, base, "batched", check_seconds, batch_size, parallel)
    serial = measure(binary, base, "serial", check_seconds, 1, 1)
    ideal = ours["checkRuns"] * check_seconds / parallel
    line = (f"{name}: batched {ours['seconds']:.1f} s, {ours['checkRuns']} check runs, {ours['landed']} landed, "
            f"{ours['failed']} failed | serial {serial['seconds']:.1f} s, {serial['checkRuns']} runs, "
            f"{serial['landed']} landed | ratio {ours['seconds'] / serial['seconds']:.2f} | "
            f"runs per landed {ours['checkRuns'] / max(ours['landed'], 1):.2f} | ideal {ideal:.1f} s")
    log(line)
    return {"scenario": name, "batched": ours, "serial": serial, "idealSeconds": ideal,
            "ratio": ours["seconds"] / serial["seconds"], "line": line}


def scenarios(binary, folder, parallel, big_tasks=100):
    out = []
    out.append(scenario_pair(binary, folder, "12 tasks, 2 s check, all pass", 12, set(), 2, parallel))
    out.append(scenario_pair(binary, folder, "12 tasks, 2 s check, one culprit", 12, {7}, 2, parallel))
    step = max(1, round(big_tasks / (big_tasks * 0.05))) if big_tasks >= 20 else big_tasks
    culprits = {i for i in range(1, big_tasks + 1) if i % step == step // 2}
    out.append(scenario_pair(binary, folder, f"{big_tasks} tasks, 1 s check, {len(culprits)} culprit{'' if len(culprits) == 1 else 's'}", big_tasks, culprits, 1, parallel))
    return out


def scenario(bench):
    """The hook scripts/bench.py calls: adds rows to its results."""
    folder = tempfile.mkdtemp(dir=bench.work, prefix="batches-")
    parallel = max(1, os.cpu_count() or 1)
    for r in scenarios(bench.bin, folder, parallel):
        for side in ("batched", "serial"):
            m = r[side]
            bench.results.append({"scenario": r["scenario"], "command": f"merge ({side}, {m['checkRuns']} check runs)",
                                  "medianMs": m["seconds"] * 1000, "meanMs": m["seconds"] * 1000, "stddevMs": 0,
                                  "runs": 1, "timesMs": [m["seconds"] * 1000], "userMs": 0, "systemMs": 0})
        bench.results.append({"scenario": r["scenario"], "ratio": "batched / serial (merge wall time)",
                              "value": r["ratio"], "target": None})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--parallel", type=int, default=max(1, os.cpu_count() or 1))
    parser.add_argument("--big-tasks", type=int, default=100)
    parser.add_argument("--json", help="also write the results here")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    folder = tempfile.mkdtemp(prefix="orchestrate-bench-batches-")
    try:
        results = scenarios(binary, folder, options.parallel, options.big_tasks)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for r in results:
        print(r["line"])
    if options.json:
        with open(options.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
