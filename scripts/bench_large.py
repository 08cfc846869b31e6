"""The `large` scenario of scripts/bench (issue 19): a repository of 100,000 files.

A generated repository of --large-files files in 1,000 folders (git fast-import, as
bench.py's `generate_base`), with 5 and 50 tasks that have their worktrees, as users have
them. Each of our commands is timed side by side with its nearest git-CLI counterpart:

| ours | git CLI |
| --- | --- |
| `start` | `git worktree add -b` |
| `status` (main checkout) | `git status --porcelain` |
| `review` | `git diff --stat base..head` |
| `submit` (refuses a dirty worktree, so it looks at it) | `git rev-parse` + `git status --porcelain` there |
| `git commit` in a task worktree, our hooks | the same commit with no hooks |
| `git push` through the pre-push gate | the same push with `--no-verify` |
| `verify` of one new commit | `git rev-list --count` |
| `merge --no-checks` (tasks with worktrees) | merge-tree + commit-tree + update-ref per task, one `git read-tree -m -u` (bench.py's script) |

`merge` is timed only for the task counts in --large-merge-tasks (default 5): every run
restores a snapshot of all the task worktrees (100,000 files each), which for 50 tasks is
20 GB copied per run.
"""
import os

import bench as B

STEPS = ["start", "status", "review", "submit", "hooks", "gate", "merge"]


def add_arguments(parser):
    parser.add_argument("--large-files", type=int, default=100000,
                        help="large scenario: files in its repository [100000]")
    parser.add_argument("--large-tasks", default="5,50",
                        help="large scenario: comma-separated task counts, each task with its worktree [5,50]")
    parser.add_argument("--large-merge-tasks", default="5",
                        help="large scenario: the task counts for which merge is timed [5]")
    parser.add_argument("--large-steps", default=",".join(STEPS),
                        help="large scenario: comma-separated subset of " + ",".join(STEPS))


def large_base(bench):
    """The generated large repository (made once per work folder)."""
    base = os.path.join(bench.work, "large-base", "repo")
    if not os.path.exists(base):
        B.log(f"large: generating {bench.o.large_files} files in {base}")
        B.generate_base(base, bench.bin, bench.o.large_files, 100)
    return base


def fresh_large_repo(bench, name):
    folder = os.path.join(bench.work, name)
    bench.discard(folder)
    os.makedirs(folder)
    repo = os.path.join(folder, "repo")
    B.run(["cp", "-a", large_base(bench), repo])
    return repo


def set_up_tasks(bench, repo, count):
    """`count` tasks L1…, each started (a worktree of every file) with one commit, submitted;
    L1 approved. Returns {id: worktree}."""
    worktrees = {}
    for i in range(1, count + 1):
        tid = f"L{i}"
        bench.orch(repo, "add", f"large task {tid}", "--id", tid)
        wt = bench.orch(repo, "start", tid).splitlines()[-1]
        with open(os.path.join(wt, f"task-{tid}.txt"), "w") as handle:
            handle.write(f"work of task {tid}\n")
        B.run(["git", "add", f"task-{tid}.txt"], cwd=wt)
        B.run(["git", "commit", "-q", "--no-verify", "-m", f"Task {tid}"], cwd=wt)
        bench.orch(repo, "submit", tid)
        worktrees[tid] = wt
        if i % 5 == 0:
            B.log(f"large: started {i} of {count} tasks")
    bench.approve(repo, "L1")
    return worktrees


def time_pair(bench, scenario, commands, cwd, ratios=None, target="<= 1.5"):
    """Times [(label, command, prepare)]; records ours/baseline (the first two by default)."""
    timed = B.hyperfine(commands, bench.o.runs, cwd)
    ratios = ratios or [(commands[0][0], commands[1][0])]
    bench.record(scenario, timed, ratios, {r: target for r in ratios})


def run_large(bench):
    steps = [s.strip() for s in bench.o.large_steps.split(",") if s.strip()]
    for step in steps:
        if step not in STEPS:
            raise SystemExit(f"error: unknown large step {step}; choose from {','.join(STEPS)}")
    counts = [int(n) for n in bench.o.large_tasks.split(",") if n.strip()]
    merge_counts = {int(n) for n in bench.o.large_merge_tasks.split(",") if n.strip()}
    files = bench.o.large_files
    for count in counts:
        label = f"large {files // 1000}k, {count} tasks"
        if any(s != "merge" for s in steps):
            commands(bench, label, count, steps)
        if "merge" in steps and count in merge_counts:
            merge(bench, label, count)


def commands(bench, label, count, steps):
    repo = fresh_large_repo(bench, f"large-{count}")
    bin_ = B.q(bench.bin)
    # The hooks run the binary recorded at install: this one, not the one that generated the base.
    bench.orch(repo, "hooks", "install")
    worktrees = set_up_tasks(bench, repo, count)
    wt = worktrees["L1"]
    base = B.run(["git", "rev-parse", "main"], cwd=repo)
    head = B.run(["git", "rev-parse", "orchestrate/L1"], cwd=repo)
    if "start" in steps:
        bench.orch(repo, "add", "started in the benchmark", "--id", "S1")
        wts = repo + ".worktrees"
        gitwt = os.path.join(os.path.dirname(repo), "git-worktree")
        db = B.q(bench.db(repo))
        reset_ours = (f"{bench.discard_command(os.path.join(wts, 'S1'))}; git worktree prune; "
                      f"git branch -q -D orchestrate/S1 2>/dev/null || true; sqlite3 {db} \"UPDATE tasks SET "
                      f"state='queued', worktree=NULL, base=NULL, head=NULL, claimedBy=NULL WHERE id = 'S1'\"")
        reset_git = (f"{bench.discard_command(gitwt)}; git worktree prune; "
                     f"git branch -q -D large-git 2>/dev/null || true")
        time_pair(bench, f"{label}: start", [
            ("start", f"{bin_} start S1 >/dev/null", reset_ours),
            ("git worktree add -b", f"git worktree add -q -b large-git {B.q(gitwt)} main", reset_git),
        ], repo)
    if "status" in steps:
        time_pair(bench, f"{label}: status", [
            ("status", f"{bin_} status >/dev/null", None),
            ("git status --porcelain", "git status --porcelain >/dev/null", None),
        ], repo)
    if "review" in steps:
        time_pair(bench, f"{label}: review", [
            ("review", f"{bin_} review L2 >/dev/null", None),
            ("git diff --stat base..head", f"git diff --stat {base}..orchestrate/L2 >/dev/null", None),
        ], repo)
    if "submit" in steps:
        # `submit` refuses uncommitted changes, so it looks at the worktree: the git way to
        # submit safely is the tip plus a status there. Plain `rev-parse` is timed for scale.
        time_pair(bench, f"{label}: submit", [
            ("submit", f"{bin_} submit L2 >/dev/null", None),
            ("git rev-parse + git status --porcelain",
             "git rev-parse orchestrate/L2 >/dev/null && git status --porcelain >/dev/null", None),
            ("git rev-parse", "git rev-parse orchestrate/L2 >/dev/null", None),
        ], worktrees.get("L2", wt), ratios=[("submit", "git rev-parse + git status --porcelain"),
                                            ("submit", "git rev-parse")])
    if "hooks" in steps:
        empty = os.path.join(os.path.dirname(repo), "no-hooks")
        os.makedirs(empty, exist_ok=True)
        prep = "echo $RANDOM$RANDOM >> hooked.txt && git add hooked.txt"
        hooked = worktrees.get("L3", wt)
        time_pair(bench, f"{label}: hook overhead", [
            ("git commit, our hooks", "git commit -q -m 'hooked commit'", prep),
            ("git commit, no hooks", f"git -c core.hooksPath={B.q(empty)} commit -q -m 'plain commit'", prep),
        ], hooked)
    if "gate" in steps:
        gate(bench, label, repo, base, head)


def gate(bench, label, repo, base, head):
    """The pre-push gate and `verify` on one new, approved commit."""
    remote = os.path.join(os.path.dirname(repo), "remote.git")
    B.run(["git", "clone", "-q", "--bare", repo, remote])
    B.run(["git", "remote", "add", "bench", remote], cwd=repo)
    # The first push sends the objects; every timed push then sends one ref update.
    B.run(["git", "push", "-q", "--no-verify", "bench", f"{head}:refs/heads/landed"], cwd=repo)
    reset = f"git -C {B.q(remote)} update-ref refs/heads/main {base}"
    time_pair(bench, f"{label}: pre-push gate", [
        ("git push, our gate", f"git push -q bench {head}:refs/heads/main", reset),
        ("git push --no-verify", f"git push -q --no-verify bench {head}:refs/heads/main", reset),
    ], repo)
    time_pair(bench, f"{label}: verify", [
        ("verify", f"{B.q(bench.bin)} verify {base}..{head} >/dev/null", None),
        ("git rev-list --count", f"git rev-list --count {base}..{head} >/dev/null", None),
    ], repo)


def merge(bench, label, count):
    """bench.py's landing with worktrees, on the large repository."""
    original = bench.fresh_repo
    bench.fresh_repo = lambda name: fresh_large_repo(bench, name)
    try:
        bench.landing(f"{label}: merge", tasks=count, worktrees=True)
    finally:
        bench.fresh_repo = original
    for r in bench.results:  # issue 19's targets for this repository size
        if r["scenario"] == f"{label}: merge" and "ratio" in r:
            r["target"] = "<= 3 (goal 1.5)" if "merge-tree" in r["ratio"] else None
