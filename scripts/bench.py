#!/usr/bin/env python3
"""The benchmark harness behind scripts/bench (see docs/performance.md).

Generates repositories with `git fast-import`, sets each scenario up with the real
git-orchestrate commands (not timed), then times our command and the git-CLI way a user would
script it, alternating, in rounds of one hyperfine run each (`--prepare` restores state
before every run), and reports medians and ratios (ours / git CLI) as a table and as JSON.
Scenarios whose commands do not exist in the binary yet are skipped with a clear line.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

import bench_large

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The same hermetic environment the tests use: no user or system config, fixed identity.
HERMETIC = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_AUTHOR_NAME": "Bench Author",
    "GIT_AUTHOR_EMAIL": "author@bench.invalid",
    "GIT_COMMITTER_NAME": "Bench Author",
    "GIT_COMMITTER_EMAIL": "author@bench.invalid",
    "TZ": "UTC",
    "NO_COLOR": "1",
}
for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY"):
    os.environ.pop(key, None)
os.environ.update(HERMETIC)

REVIEWER = "Bench Reviewer <bench-reviewer@bench.invalid>"


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(args, cwd=None, input=None, check=True):
    """Runs a command (argv list) and returns its stdout; raises with stderr on failure."""
    result = subprocess.run(args, cwd=cwd, input=input, capture_output=True,
                            text=isinstance(input, str) or input is None)
    if check and result.returncode != 0:
        err = result.stderr if isinstance(result.stderr, str) else result.stderr.decode(errors="replace")
        raise SystemExit(f"error: `{' '.join(map(str, args))}` failed in {cwd}: {err.strip()}")
    out = result.stdout
    return out.strip() if isinstance(out, str) else out


def q(text):
    """Shell-quotes one word."""
    return "'" + str(text).replace("'", "'\\''") + "'"


# --- the repository generator -------------------------------------------------------------

def file_path(i):
    """A nested path for file number i: 10 × 10 × 10 folders."""
    return f"src/m{i % 10}/p{(i // 10) % 10}/q{(i // 100) % 10}/file{i}.txt"


def file_content(i, revision=0):
    # Twelve lines, so that a change at the top and one at the bottom merge cleanly.
    lines = [f"file {i} line {n}" for n in range(12)]
    lines[6] = f"file {i} revision {revision}"
    return ("\n".join(lines) + "\n").encode()


def fast_import_stream(files, commits, ref="refs/heads/main", start=1_700_000_000):
    """A fast-import stream: one commit adding `files` files, then commits-1 one-file edits."""
    out = bytearray()
    when = start
    def commit(message, body, parent_mark):
        nonlocal when
        when += 60
        msg = message.encode()
        head = (f"commit {ref}\nmark :{parent_mark + 1}\n"
                f"author Bench Author <author@bench.invalid> {when} +0000\n"
                f"committer Bench Author <author@bench.invalid> {when} +0000\n"
                f"data {len(msg)}\n").encode() + msg + b"\n"
        if parent_mark:
            head += f"from :{parent_mark}\n".encode()
        out.extend(head)
        out.extend(body)
        out.extend(b"\n")
    body = bytearray()
    for i in range(files):
        data = file_content(i)
        body.extend(f"M 100644 inline {file_path(i)}\ndata {len(data)}\n".encode() + data + b"\n")
    readme = b"# bench repository\n"
    body.extend(f"M 100644 inline README.md\ndata {len(readme)}\n".encode() + readme + b"\n")
    commit("Initial import", bytes(body), 0)
    for n in range(1, commits):
        i = (n * 7919) % files
        data = file_content(i, n)
        change = f"M 100644 inline {file_path(i)}\ndata {len(data)}\n".encode() + data + b"\n"
        commit(f"Edit file {i} (revision {n})", change, n)
    return bytes(out)


def generate_base(path, binary, files, commits):
    """A repository with `files` nested files and `commits` commits on main, orchestrate-initialised."""
    os.makedirs(path)
    run(["git", "init", "-q", "-b", "main", path])
    run(["git", "config", "user.name", "Bench Author"], cwd=path)
    run(["git", "config", "user.email", "author@bench.invalid"], cwd=path)
    run(["git", "fast-import", "--quiet"], cwd=path, input=fast_import_stream(files, commits))
    run(["git", "reset", "-q", "--hard", "main"], cwd=path)
    run([binary, "init"], cwd=path)
    if os.path.exists(os.path.join(path, ".augment-orchestrator.json")):
        run(["git", "add", ".augment-orchestrator.json"], cwd=path)
        run(["git", "commit", "-q", "--no-verify", "-m", "git-orchestrate configuration"], cwd=path)
    run(["git", "gc", "-q"], cwd=path)


# --- hyperfine ----------------------------------------------------------------------------

def hyperfine(commands, runs, cwd):
    """Times [(label, command, prepare-or-None)] in `runs` alternating rounds; returns results by label.

    Each round is one hyperfine invocation that runs every command once, and the order rotates
    from round to round (A B C, B C A, C A B, ...): whatever the machine does meanwhile (disk
    write-back, another process) falls on all commands alike instead of on one block of runs.
    """
    if all(prep for _, _, prep in commands):
        prepared = True
    elif any(prep for _, _, prep in commands):
        raise ValueError("either every command has a prepare step or none has")
    else:
        prepared = False
    samples = {label: {"times": [], "user": [], "system": [], "exit_codes": []} for label, _, _ in commands}
    for round_ in range(runs):
        shift = round_ % len(commands)
        order = commands[shift:] + commands[:shift]
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            export = handle.name
        args = ["hyperfine", "--runs", "1", "--warmup", "0", "--style", "none", "--export-json", export]
        if prepared:
            for _, _, prep in order:
                args += ["--prepare", prep]
        for label, command, _ in order:
            args += ["--command-name", label, command]
        subprocess.run(args, cwd=cwd, check=True, stdout=sys.stderr)
        with open(export) as handle:
            data = json.load(handle)
        os.unlink(export)
        for r in data["results"]:
            sample = samples[r["command"]]
            sample["times"] += r["times"]
            sample["user"].append(r["user"])
            sample["system"].append(r["system"])
            sample["exit_codes"] += r["exit_codes"]
        log(f"round {round_ + 1} of {runs}: " + ", ".join(
            f"{r['command']} {r['times'][0] * 1000:.1f} ms" for r in data["results"]))
    results = {}
    for label, sample in samples.items():
        times = sample["times"]
        results[label] = {
            "command": label, "times": times, "exit_codes": sample["exit_codes"],
            "median": statistics.median(times), "mean": statistics.fmean(times),
            "stddev": statistics.stdev(times) if len(times) > 1 else None,
            "min": min(times), "max": max(times),
            "user": statistics.fmean(sample["user"]), "system": statistics.fmean(sample["system"]),
        }
    return results


# --- scenario helpers ---------------------------------------------------------------------

class Bench:
    def __init__(self, options):
        self.o = options
        self.bin = options.binary
        self.work = options.workdir
        self.results = []
        self.skipped = []
        self.available = {}
        # Nothing is deleted while scenarios run: what a run discards is moved in here (a
        # rename, no unlink) and removed after the last scenario. On this machine's ext4 (no
        # journal) the kernel skips inodes freed in the last 30-35 s when it allocates new
        # ones (`recently_deleted` in fs/ext4/ialloc.c, 43% of `start`'s samples under perf
        # right after 5,000 deletions), so deleting a work tree before each timed run made the
        # next one pay for it. docs/performance.md#how-the-harness-keeps-runs-fair
        self.trash = os.path.join(self.work, "trash")
        os.makedirs(self.trash, exist_ok=True)

    def discard(self, path):
        """Moves a folder out of the way without deleting it (see `self.trash`)."""
        if os.path.lexists(path):
            os.rename(path, os.path.join(tempfile.mkdtemp(dir=self.trash), "discarded"))

    def discard_command(self, path):
        """The shell form of `discard`, for hyperfine's prepare steps."""
        return f"{{ [ ! -e {q(path)} ] || mv {q(path)} \"$(mktemp -d -p {q(self.trash)})/discarded\"; }}"

    def empty_trash(self):
        shutil.rmtree(self.trash, ignore_errors=True)

    def has(self, command):
        """Whether the binary has this subcommand (`<command> --help` exits 0)."""
        if command not in self.available:
            # An unknown subcommand makes ArgumentParser print the root help (exit 0), so
            # look for the subcommand's own usage line.
            probe = subprocess.run([self.bin] + command.split() + ["--help"], capture_output=True, text=True)
            usage = f"git-orchestrate {command}"
            self.available[command] = probe.returncode == 0 and usage in probe.stdout
        return self.available[command]

    def needs(self, scenario, commands):
        missing = [c for c in commands if not self.has(c)]
        if missing:
            line = f"skipped: {scenario} needs " + ", ".join(f"`git orchestrate {c}`" for c in missing)
            log(line)
            self.skipped.append({"scenario": scenario, "reason": line})
            return False
        return True

    def fresh_repo(self, name):
        """A copy of the generated base repository at <workdir>/<name>/repo."""
        folder = os.path.join(self.work, name)
        self.discard(folder)
        os.makedirs(folder)
        repo = os.path.join(folder, "repo")
        run(["cp", "-a", os.path.join(self.work, "base", "repo"), repo])
        return repo

    def orch(self, repo, *args):
        return run([self.bin, "-C", repo] + list(args))

    def approve(self, repo, tid):
        """Approves as the reviewer: an approval is recorded under git's identity (`--by` is only
        a claim), and the author may not approve their own task."""
        name, email = REVIEWER[:REVIEWER.index(" <")], REVIEWER[REVIEWER.index("<") + 1:-1]
        saved = dict(os.environ)
        os.environ.update({"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
                           "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email})
        try:
            return self.orch(repo, "approve", tid)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def db(self, repo):
        return os.path.join(repo, ".git", "orchestrate", "orchestrate.sqlite")

    def record(self, scenario, timed, pairs, targets):
        """Stores the hyperfine results of a scenario and the ratios (ours / baseline)."""
        for label, r in timed.items():
            self.results.append({
                "scenario": scenario, "command": label, "medianMs": r["median"] * 1000,
                "meanMs": r["mean"] * 1000, "stddevMs": (r.get("stddev") or 0) * 1000,
                "runs": len(r["times"]), "timesMs": [t * 1000 for t in r["times"]],
                # Mean CPU time per run: when wall times swing, these tell the tool's own work
                # (user) from the file system's (system).
                "userMs": r["user"] * 1000, "systemMs": r["system"] * 1000,
            })
        for ours, baseline in pairs:
            a, b = timed[ours]["median"], timed[baseline]["median"]
            self.results.append({
                "scenario": scenario, "ratio": f"{ours} / {baseline}", "value": a / b if b else None,
                "target": targets.get((ours, baseline)),
            })

    # --- 4. spawn -------------------------------------------------------------------------

    def spawn(self):
        repo = self.fresh_repo("spawn")
        for i in range(1, 17):
            self.orch(repo, "add", f"spawn {i}", "--id", f"M{i}")
        self.orch(repo, "add", "spawn one", "--id", "S1")
        wts = repo + ".worktrees"
        gitwts = os.path.join(os.path.dirname(repo), "git-worktrees")
        os.makedirs(gitwts, exist_ok=True)
        db = q(self.db(repo))

        def reset_ours(ids):
            moves = "; ".join(self.discard_command(os.path.join(wts, i)) for i in ids)
            branches = " ".join(f"orchestrate/{i}" for i in ids)
            in_list = ",".join(f"'{i}'" for i in ids)
            return (f"{moves}; git worktree prune; git branch -q -D {branches} 2>/dev/null || true; sqlite3 {db} \"UPDATE tasks SET state='queued', "
                    f"worktree=NULL, base=NULL, head=NULL, claimedBy=NULL WHERE id IN ({in_list})\"")

        def reset_git(names):
            moves = "; ".join(self.discard_command(os.path.join(gitwts, n)) for n in names)
            return f"{moves}; git worktree prune; git branch -q -D {' '.join(names)} 2>/dev/null || true"

        one = hyperfine([
            ("start", f"{q(self.bin)} start S1", reset_ours(["S1"])),
            ("git worktree add -b", f"git worktree add -q -b spawn-git {q(os.path.join(gitwts, 'spawn-git'))} main",
             reset_git(["spawn-git"])),
        ], self.o.runs, repo)
        self.record("spawn one worktree", one, [("start", "git worktree add -b")],
                    {("start", "git worktree add -b"): "<= 1.2"})
        many = list(range(1, 17))
        loop_ours = f"for i in {' '.join(map(str, many))}; do {q(self.bin)} start M$i >/dev/null || exit 1; done"
        loop_git = (f"for i in {' '.join(map(str, many))}; do git worktree add -q -b spawn-git-$i "
                    f"{q(gitwts)}/spawn-git-$i main || exit 1; done")
        sixteen = hyperfine([
            ("16 x start", loop_ours, reset_ours([f"M{i}" for i in many])),
            ("16 x git worktree add -b", loop_git, reset_git([f"spawn-git-{i}" for i in many])),
        ], self.o.runs, repo)
        self.record("spawn 16 in a row", sixteen, [("16 x start", "16 x git worktree add -b")],
                    {("16 x start", "16 x git worktree add -b"): "<= 1.2"})

    # --- 5. reads -------------------------------------------------------------------------

    def reads(self):
        repo = self.fresh_repo("reads")
        n = self.o.read_tasks
        # One real `add` creates the row format; the rest are inserted with sqlite3 into the
        # real schema (10,000 `add` processes would take minutes and measure nothing new).
        self.orch(repo, "add", "seed task", "--id", "R0")
        tip = run(["git", "rev-parse", "main"], cwd=repo)
        sql = f"""
        WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n - 1})
        INSERT INTO tasks (id, seq, title, description, priority, state, branch, worktree, base, head,
            submittedHead, attempts, paths, claimedBy, feedback, stacked, createdAt, updatedAt)
        SELECT 'R' || i, i + 1, 'generated task ' || i, 'description of task ' || i, i % 4,
            CASE WHEN i % 20 < 12 THEN 'merged' WHEN i % 20 < 14 THEN 'queued'
                 WHEN i % 20 < 16 THEN 'running' WHEN i % 20 < 18 THEN 'submitted'
                 WHEN i % 20 = 18 THEN 'approved' ELSE 'cancelled' END,
            'orchestrate/R' || i, NULL,
            CASE WHEN i % 20 < 12 OR i % 20 >= 14 THEN '{tip}' END,
            CASE WHEN i % 20 < 12 OR i % 20 >= 14 THEN '{tip}' END,
            NULL, 1, '[]', NULL, NULL, 0,
            (SELECT createdAt FROM tasks WHERE id = 'R0'), (SELECT updatedAt FROM tasks WHERE id = 'R0')
        FROM k;
        INSERT INTO task_dependencies (task, dependsOn) SELECT 'R' || i, 'R' || (i - 1)
            FROM (WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n - 1})
                  SELECT i FROM k) WHERE i % 5 = 0;
        """
        run(["sqlite3", self.db(repo)], input=sql)
        count = run(["sqlite3", self.db(repo), "SELECT count(*) FROM tasks"])
        log(f"reads: {count} tasks in the database")
        timed = hyperfine([
            ("status", f"{q(self.bin)} status", None),
            ("list --format json", f"{q(self.bin)} list --format json", None),
            ("git status", "git status --porcelain", None),
            ("git for-each-ref", "git for-each-ref refs/heads", None),
        ], self.o.runs, repo)
        self.record(f"reads, {n} tasks", timed,
                    [("status", "git status"), ("list --format json", "git for-each-ref")],
                    {("status", "git status"): "< 100 ms absolute",
                     ("list --format json", "git for-each-ref"): "< 100 ms absolute"})

    # --- 6. hook overhead -----------------------------------------------------------------

    def hooks(self):
        if not self.needs("hook overhead", ["hooks"]):
            return
        repo = self.fresh_repo("hooks")
        self.orch(repo, "hooks", "install")
        self.orch(repo, "add", "hooked task", "--id", "H1")
        wt = self.orch(repo, "start", "H1").splitlines()[-1]
        empty = os.path.join(os.path.dirname(repo), "no-hooks")
        os.makedirs(empty, exist_ok=True)
        prep = f"echo $RANDOM$RANDOM >> hooked.txt && git add hooked.txt"
        timed = hyperfine([
            ("git commit, our hooks", "git commit -q -m 'hooked commit'", prep),
            ("git commit, no hooks", f"git -c core.hooksPath={q(empty)} commit -q -m 'plain commit'", prep),
        ], self.o.runs, wt)
        self.record("hook overhead", timed, [("git commit, our hooks", "git commit, no hooks")],
                    {("git commit, our hooks", "git commit, no hooks"): "< 25 ms added"})

    # --- 3. gate --------------------------------------------------------------------------

    def gate(self):
        if not self.needs("gate", ["verify", "approve", "submit"]):
            return
        repo = self.fresh_repo("gate")
        n = self.o.gate_commits
        self.orch(repo, "add", "gate task", "--id", "G1")
        wt = self.orch(repo, "start", "G1").splitlines()[-1]
        # 10,000 new commits on the task branch, generated with fast-import on top of its base.
        stream = bytearray()
        when = 1_800_000_000
        for c in range(n):
            when += 1
            data = f"gate commit {c}\n".encode()
            msg = f"Gate commit {c}".encode()
            stream.extend(
                (f"commit refs/heads/orchestrate/G1\n"
                 f"committer Bench Author <author@bench.invalid> {when} +0000\n"
                 f"data {len(msg)}\n").encode() + msg + b"\n")
            if c == 0:
                stream.extend(b"from refs/heads/orchestrate/G1^0\n")
            stream.extend(f"M 100644 inline gate/g{c % 100}.txt\ndata {len(data)}\n".encode() + data + b"\n\n")
        run(["git", "fast-import", "--quiet", "--force"], cwd=repo, input=bytes(stream))
        run(["git", "reset", "-q", "--hard"], cwd=wt)
        self.orch(repo, "submit", "G1")
        self.approve(repo, "G1")
        rng = "main..orchestrate/G1"
        timed = hyperfine([
            ("verify", f"{q(self.bin)} verify {rng}", None),
            ("git rev-list --count", f"git rev-list --count {rng}", None),
        ], self.o.runs, repo)
        self.record(f"gate, {n} commits", timed, [("verify", "git rev-list --count")],
                    {("verify", "git rev-list --count"): "<= 3, and < 300 ms"})

    # --- 1 and 2. landing -----------------------------------------------------------------

    def landing_setup(self, name, tasks, tip_touch_every=0, chains=None, worktrees=False):
        """Approved tasks (one commit each) and a snapshot to restore before every run.
        With `worktrees`, each task keeps its worktree, as users have them, and every side
        removes them as part of the landing. Returns (repo, branches in landing order)."""
        repo = self.fresh_repo(name)
        # git-orchestrate lands with libgit2, which runs no hooks; the baselines' `git update-ref`
        # and `git rebase` would run ours (installed by `init`) at every step. Time git alone.
        self.orch(repo, "hooks", "uninstall")
        branches = []
        touched = []
        specs = []  # (id, depends-on or None, file to touch, existing?)
        if chains:
            count, length = chains
            for c in range(count):
                for k in range(length):
                    tid = f"C{c}-{k}"
                    specs.append((tid, f"C{c}-{k - 1}" if k else None, f"tasks/{tid}.txt", False))
        else:
            for i in range(1, tasks + 1):
                if tip_touch_every and i % tip_touch_every == 0:
                    specs.append((f"L{i}", None, file_path(i), True))
                else:
                    specs.append((f"L{i}", None, f"tasks/L{i}.txt", False))
        for n, (tid, dep, path, existing) in enumerate(specs, 1):
            if n % 20 == 0:
                log(f"{name}: set up {n} of {len(specs)} tasks")
            args = ["add", f"bench task {tid}", "--id", tid]
            if dep:
                args += ["--depends-on", dep]
            self.orch(repo, *args)
            wt = self.orch(repo, "start", tid, *(["--stack"] if dep else [])).splitlines()[-1]
            full = os.path.join(wt, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            if existing:
                # Append at the bottom; the tip will change the top: a real, clean merge.
                with open(full, "ab") as handle:
                    handle.write(f"task {tid} was here\n".encode())
                touched.append(path)
            else:
                with open(full, "w") as handle:
                    handle.write(f"work of task {tid}\n")
            run(["git", "add", path], cwd=wt)
            run(["git", "commit", "-q", "--no-verify", "-m", f"Task {tid}"], cwd=wt)
            self.orch(repo, "submit", tid)
            # Without `worktrees` the landing alone is timed: the tasks' work trees go now
            # (the branches stay, as the baselines have them). With it they stay, and removing
            # them is part of every side's landing, as it is of a user's.
            if not worktrees:
                self.discard(wt)
            branches.append(f"orchestrate/{tid}")
        if not worktrees:
            run(["git", "worktree", "prune"], cwd=repo)
            run(["sqlite3", self.db(repo), "UPDATE tasks SET worktree = NULL"])
        for tid, *_ in specs:
            self.approve(repo, tid)
        if touched:
            for path in touched:
                full = os.path.join(repo, path)
                with open(full, "rb") as handle:
                    content = handle.read()
                with open(full, "wb") as handle:
                    handle.write(b"changed on the tip\n" + content)
            run(["git", "add"] + touched, cwd=repo)
            run(["git", "commit", "-q", "--no-verify", "-m", "Tip changes files the tasks touch"], cwd=repo)
        # A work tree for the rebase baseline, detached so that it holds no branch.
        run(["git", "worktree", "add", "-q", "--detach", os.path.join(os.path.dirname(repo), "rebase-wt"), "main"],
            cwd=repo)
        folder = os.path.dirname(repo)
        snapshot = folder + ".snapshot"
        self.discard(snapshot)
        run(["cp", "-a", folder, snapshot])
        return repo, branches

    def restore_command(self, repo):
        """Puts the scenario folder back as the snapshot has it (not timed)."""
        folder = os.path.dirname(repo)
        return f"{self.discard_command(folder)} && cp -a {q(folder + '.snapshot')} {q(folder)}"

    def landing_scripts(self, repo, branches, worktrees=False):
        folder = os.path.dirname(repo)
        # With worktrees, each script also removes the landed branch's worktree (as `merge`
        # does) and brings the main checkout along with one two-tree read-tree at the end.
        wt_root = os.path.join(folder, "repo.worktrees")
        remove = (f'  git worktree remove --force {q(wt_root)}/"${{branch#orchestrate/}}"\n' if worktrees else "")
        follow = ('git read-tree -m -u "$start" refs/heads/main\n' if worktrees else "")
        lst = os.path.join(folder + ".snapshot", "branches.txt")
        with open(lst, "w") as handle:
            handle.write("\n".join(branches) + "\n")
        rebase = os.path.join(folder + ".snapshot", "land-rebase.sh")
        with open(rebase, "w") as handle:
            handle.write(f"""#!/usr/bin/env bash
# Lands each branch the way a script around the git CLI would: rebase a detached copy of the
# branch onto the target in a work tree, then move the target with compare-and-swap.
set -euo pipefail
wt={q(os.path.join(folder, 'rebase-wt'))}
start=$(git rev-parse refs/heads/main)
while read -r branch; do
  old=$(git rev-parse refs/heads/main)
  git -C "$wt" checkout -q --detach "$branch"
  git -C "$wt" rebase -q "$old"
  new=$(git -C "$wt" rev-parse HEAD)
  git update-ref refs/heads/main "$new" "$old"
{remove}done < {q(lst)}
{follow}""")
        mergetree = os.path.join(folder + ".snapshot", "land-merge-tree.sh")
        with open(mergetree, "w") as handle:
            handle.write(f"""#!/usr/bin/env bash
# Lands each branch without a work tree: merge-tree --write-tree, commit-tree, update-ref (CAS).
set -euo pipefail
start=$(git rev-parse refs/heads/main)
while read -r branch; do
  old=$(git rev-parse refs/heads/main)
  tree=$(git merge-tree --write-tree "$old" "$branch")
  new=$(git log -1 --format=%B "$branch" | git commit-tree "$tree" -p "$old")
  git update-ref refs/heads/main "$new" "$old"
{remove}done < {q(lst)}
{follow}""")
        return rebase, mergetree

    def landing(self, title, **setup):
        commands = ["merge", "approve", "submit"]
        if not self.needs(title, commands):
            return
        name = "landing-" + "".join(ch for ch in title if ch.isalnum())[:24]
        snapshot = os.path.join(self.work, name + ".snapshot")
        listed = os.path.join(snapshot, "branches.txt")
        if self.o.reuse_setup and os.path.exists(listed):
            # Set-up takes minutes (200 real starts of a 5,000-file worktree); a kept work
            # folder's snapshot is the same state, so time a new binary against it at once.
            log(f"{name}: reusing the set-up in {snapshot}")
            repo = os.path.join(self.work, name, "repo")
            with open(listed) as handle:
                branches = handle.read().split()
        else:
            repo, branches = self.landing_setup(name, **setup)
        rebase, mergetree = self.landing_scripts(repo, branches, worktrees=setup.get("worktrees", False))
        restore = self.restore_command(repo)
        # The restore replaces the scenario folder, so every command enters it afresh (a shell
        # left in the removed folder would find no repository).
        enter = f"cd {q(repo)} && "
        commands = [
            ("merge", f"{enter}{q(self.bin)} merge --no-checks >/dev/null", restore),
            ("git rebase + update-ref", f"{enter}bash {q(rebase)}", restore),
            ("git merge-tree + commit-tree + update-ref", f"{enter}bash {q(mergetree)}", restore),
        ]
        pairs = [("merge", "git rebase + update-ref"), ("merge", "git merge-tree + commit-tree + update-ref")]
        targets = {("merge", "git rebase + update-ref"): "<= 0.1",
                   ("merge", "git merge-tree + commit-tree + update-ref"): "<= 0.5"}
        if setup.get("worktrees"):
            # merge returns once the target is landed and the checkout up to date; the landed
            # worktrees are emptied from the trash by a detached `gc --trash`. Time both ends:
            # until merge returns, and until the trash is empty (as each script's own
            # `git worktree remove` is part of its time). Every prepare step first waits for
            # the previous run's emptier, so that it never runs during a timed command.
            trash = os.path.join(repo, ".git", "orchestrate", "trash")
            drained = f'while [ -n "$(ls -A {q(trash)} 2>/dev/null)" ]; do sleep 0.02; done'
            commands = [(label, command, f"{drained}; {prep}") for label, command, prep in commands]
            commands.append(("merge + trash emptied",
                             f"{enter}{q(self.bin)} merge --no-checks >/dev/null && {drained}", f"{drained}; {restore}"))
            pairs += [("merge + trash emptied", "git rebase + update-ref"),
                      ("merge + trash emptied", "git merge-tree + commit-tree + update-ref")]
            targets.update({("merge", "git rebase + update-ref"): "<= 0.33 (goal 0.1)",
                            ("merge", "git merge-tree + commit-tree + update-ref"): "<= 1 (goal 0.33)"})
        timed = hyperfine(commands, self.o.runs, self.work)
        self.record(title, timed, pairs, targets)


    # --- conflict prediction ------------------------------------------------------------------

    def conflicts(self):
        """`conflicts` over N waiting tasks (every tenth pair edits one shared file) against a
        script of `git merge-tree --write-tree` for every pair, the way a user would ask git."""
        if not self.needs("conflicts", ["conflicts"]):
            return
        count = self.o.conflict_tasks
        repo = self.fresh_repo("conflicts")
        self.orch(repo, "hooks", "uninstall")
        branches = []
        for i in range(1, count + 1):
            tid = f"P{i}"
            self.orch(repo, "add", f"bench task {tid}", "--id", tid)
            wt = self.orch(repo, "start", tid).splitlines()[-1]
            # Tasks in groups of ten edit the top of one shared file (conflicting within the
            # group); each also adds a file of its own.
            shared = os.path.join(wt, file_path(i // 10))
            with open(shared, "rb") as handle:
                content = handle.read()
            with open(shared, "wb") as handle:
                handle.write(f"task {tid} edits the top\n".encode() + content)
            with open(os.path.join(wt, f"own-{tid}.txt"), "w") as handle:
                handle.write(f"work of task {tid}\n")
            run(["git", "add", "-A"], cwd=wt)
            run(["git", "commit", "-q", "--no-verify", "-m", f"Task {tid}"], cwd=wt)
            self.orch(repo, "submit", tid)
            branches.append(f"orchestrate/{tid}")
        script = os.path.join(os.path.dirname(repo), "pairs.sh")
        with open(script, "w") as handle:
            handle.write("#!/usr/bin/env bash\n# Every pair of task branches through git merge-tree.\n")
            handle.write("b=(" + " ".join(branches) + ")\n")
            handle.write('for ((i = 0; i < ${#b[@]}; i++)); do for ((j = i + 1; j < ${#b[@]}; j++)); do\n'
                         '  git merge-tree --write-tree --name-only "${b[i]}" "${b[j]}" >/dev/null || echo "${b[i]} ${b[j]}"\n'
                         'done; done\n')
        enter = f"cd {q(repo)} && "
        timed = hyperfine([
            ("conflicts", f"{enter}{q(self.bin)} conflicts --format json >/dev/null", None),
            ("git merge-tree per pair", f"{enter}bash {q(script)} >/dev/null", None),
        ], self.o.runs, self.work)
        self.record(f"conflicts {count} tasks", timed, [("conflicts", "git merge-tree per pair")],
                    {("conflicts", "git merge-tree per pair"): "<= 0.1"})


# --- report -------------------------------------------------------------------------------

def table(results):
    lines = []
    header = f"{'scenario':<28} {'command':<44} {'median ms':>10} {'runs':>5}"
    lines.append(header)
    lines.append("-" * len(header))
    for r in results:
        if "command" in r:
            lines.append(f"{r['scenario']:<28} {r['command']:<44} {r['medianMs']:>10.1f} {r['runs']:>5}")
    lines.append("")
    header = f"{'scenario':<28} {'ratio (ours / git CLI)':<60} {'value':>7}  target"
    lines.append(header)
    lines.append("-" * len(header))
    for r in results:
        if "ratio" in r:
            value = f"{r['value']:.2f}" if r["value"] is not None else "n/a"
            lines.append(f"{r['scenario']:<28} {r['ratio']:<60} {value:>7}  {r['target'] or ''}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="Benchmarks git-orchestrate against the git CLI.")
    parser.add_argument("--binary", required=True, help="the git-orchestrate executable")
    parser.add_argument("--files", type=int, default=5000, help="files in the generated repository [5000]")
    parser.add_argument("--commits", type=int, default=10000, help="commits of history [10000]")
    parser.add_argument("--tasks", type=int, default=200, help="tasks landed in the landing scenarios [200]")
    parser.add_argument("--wt-tasks", type=int, default=60,
                        help="tasks landed with their worktrees in landing-worktrees [60]")
    parser.add_argument("--conflict-tasks", type=int, default=50, help="waiting tasks compared by conflicts [50]")
    parser.add_argument("--chains", type=int, default=20, help="stacked chains [20]")
    parser.add_argument("--chain-length", type=int, default=5, help="tasks per stacked chain [5]")
    parser.add_argument("--gate-commits", type=int, default=10000, help="commits checked by the gate [10000]")
    parser.add_argument("--read-tasks", type=int, default=10000, help="tasks in the database for reads [10000]")
    parser.add_argument("--runs", type=int, default=5, help="hyperfine runs per command, at least 5 [5]")
    parser.add_argument("--scenarios", default="landing-worktrees,landing,stacked,gate,spawn,reads,hooks,conflicts",
                        help="comma-separated subset of landing-worktrees,landing,stacked,gate,spawn,reads,hooks,conflicts,large")
    parser.add_argument("--workdir", default=None, help="where repositories are generated [a temporary folder]")
    parser.add_argument("--keep", action="store_true", help="keep the work folder afterwards")
    parser.add_argument("--reuse-setup", action="store_true",
                        help="landing scenarios: time against the snapshot a kept --workdir already holds")
    bench_large.add_arguments(parser)
    options = parser.parse_args()
    if options.runs < 5:
        parser.error("--runs must be at least 5: the machine is noisy and we report medians")
    options.workdir = options.workdir or tempfile.mkdtemp(prefix="orchestrate-bench-")
    os.makedirs(options.workdir, exist_ok=True)
    wanted = [s.strip() for s in options.scenarios.split(",") if s.strip()]
    bench = Bench(options)
    try:
        base = os.path.join(options.workdir, "base", "repo")
        if not os.path.exists(base):
            log(f"generating {options.files} files and {options.commits} commits in {base}")
            generate_base(base, options.binary, options.files, options.commits)
        steps = {
            "landing": lambda: (
                bench.landing(f"landing {options.tasks} tasks", tasks=options.tasks),
                bench.landing(f"landing {options.tasks}, 10% merge", tasks=options.tasks, tip_touch_every=10)),
            "stacked": lambda: bench.landing(
                f"stacked {options.chains} x {options.chain_length}", tasks=0,
                chains=(options.chains, options.chain_length)),
            # What users have: every task's worktree present, removed by every side's landing.
            "landing-worktrees": lambda: bench.landing(
                f"landing {options.wt_tasks} with worktrees", tasks=options.wt_tasks, worktrees=True),
            "conflicts": bench.conflicts,
            "batches": lambda: __import__("bench_batches").scenario(bench),  # scripts/bench_batches.py
            "gate": bench.gate, "spawn": bench.spawn, "reads": bench.reads, "hooks": bench.hooks,
            # Not in the default list: minutes of set-up and GBs of worktrees (bench_large.py).
            "large": lambda: bench_large.run_large(bench),
        }
        for name in wanted:
            if name not in steps:
                parser.error(f"unknown scenario {name}")
            log(f"== {name}")
            try:
                steps[name]()
            except (SystemExit, subprocess.CalledProcessError, OSError) as error:
                # One broken scenario must not lose the others' measurements.
                line = f"failed: {name}: {error}"
                log(line)
                bench.skipped.append({"scenario": name, "reason": line})
    finally:
        bench.empty_trash()
        if not options.keep:
            shutil.rmtree(options.workdir, ignore_errors=True)
    report = table(bench.results)
    print(report)
    for s in bench.skipped:
        print(s["reason"])
    commit = run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=False)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_dir = os.path.join(ROOT, "bench-results")
    os.makedirs(out_dir, exist_ok=True)
    document = {
        "time": stamp, "commit": commit, "machine": {
            "cpus": os.cpu_count(), "system": platform.platform(), "git": run(["git", "--version"]),
            "hyperfine": run(["hyperfine", "--version"])},
        "parameters": {k: v for k, v in vars(options).items() if k not in ("binary", "workdir", "keep")},
        "results": bench.results, "skipped": bench.skipped,
    }
    path = os.path.join(out_dir, f"{stamp}.json")
    with open(path, "w") as handle:
        json.dump(document, handle, indent=2)
    print(f"\nwrote {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
