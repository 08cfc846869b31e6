import GRDB

/// The schema, as string-named migrations of plain SQL. A migration never changes once it has
/// landed: add a new one instead.
enum Migrations {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tasks-audit-approvals-landings-runs") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-checkout-updates") { db in try db.execute(sql: v2CheckoutUpdates) }
        migrator.registerMigration("task-templates") { db in try db.execute(sql: taskTemplates) }
        return migrator
    }

    static let v1 = """
        CREATE TABLE tasks (
            id TEXT PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL UNIQUE,
            title TEXT NOT NULL,
            description TEXT,
            priority INTEGER NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 3),
            state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'submitted',
                'approved', 'merged', 'conflicted', 'failed', 'rejected', 'cancelled', 'reverted')),
            branch TEXT NOT NULL UNIQUE,
            worktree TEXT,
            base TEXT CHECK (base IS NULL OR length(base) = 40),
            head TEXT CHECK (head IS NULL OR length(head) = 40),
            submittedHead TEXT,
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            paths TEXT NOT NULL DEFAULT '[]',
            claimedBy TEXT,
            feedback TEXT,
            stacked INTEGER NOT NULL DEFAULT 0,
            createdAt TEXT NOT NULL,
            updatedAt TEXT NOT NULL
        );
        CREATE INDEX tasks_by_state ON tasks(state, priority DESC, seq);

        CREATE TABLE task_dependencies (
            task TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
            dependsOn TEXT NOT NULL REFERENCES tasks(id),
            PRIMARY KEY (task, dependsOn),
            CHECK (task <> dependsOn)
        ) WITHOUT ROWID;
        CREATE INDEX task_dependencies_by_dependency ON task_dependencies(dependsOn);

        -- The audit trail: append-only, each row chained to the one before by its hash.
        CREATE TABLE audit_events (
            seq INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            kind TEXT NOT NULL,
            task TEXT,
            oid TEXT,
            actor TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            prevHash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        );
        CREATE INDEX audit_events_by_task ON audit_events(task, seq);
        CREATE INDEX audit_events_by_time ON audit_events(time);
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

        -- One approval of one commit by one approver.
        CREATE TABLE approvals (
            oid TEXT NOT NULL CHECK (length(oid) = 40),
            approver TEXT NOT NULL,
            task TEXT NOT NULL REFERENCES tasks(id),
            tree TEXT NOT NULL,
            patchId TEXT NOT NULL,
            base TEXT NOT NULL,
            time TEXT NOT NULL,
            comment TEXT,
            auditSeq INTEGER NOT NULL REFERENCES audit_events(seq),
            PRIMARY KEY (oid, approver)
        ) WITHOUT ROWID;
        CREATE INDEX approvals_by_task ON approvals(task);

        -- Commits the gate lets through: each commit of an approved change (base..head), and
        -- each commit the merge buffer landed from one.
        CREATE TABLE cleared_commits (
            oid TEXT PRIMARY KEY NOT NULL CHECK (length(oid) = 40),
            task TEXT NOT NULL REFERENCES tasks(id),
            reason TEXT NOT NULL CHECK (reason IN ('approved', 'landed', 'reverted')),
            sourceOid TEXT,
            auditSeq INTEGER NOT NULL REFERENCES audit_events(seq)
        ) WITHOUT ROWID;

        -- Each landing of a task on the target (and each revert of one).
        CREATE TABLE landings (
            id INTEGER PRIMARY KEY,
            task TEXT NOT NULL REFERENCES tasks(id),
            kind TEXT NOT NULL CHECK (kind IN ('landed', 'reverted')),
            target TEXT NOT NULL,
            oldTip TEXT NOT NULL,
            newTip TEXT NOT NULL,
            commits TEXT NOT NULL DEFAULT '[]',
            time TEXT NOT NULL
        );
        CREATE INDEX landings_by_task ON landings(task);

        -- The merge buffer's journal: the intent to move the target, written before the ref
        -- moves, so that a killed merge is reconciled from the refs on the next run.
        CREATE TABLE merge_journal (
            id INTEGER PRIMARY KEY,
            task TEXT NOT NULL REFERENCES tasks(id),
            target TEXT NOT NULL,
            oldTip TEXT NOT NULL,
            newTip TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '{}',
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'abandoned')),
            createdAt TEXT NOT NULL
        );

        -- Each attempt of an agent at a task.
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            task TEXT NOT NULL REFERENCES tasks(id),
            attempt INTEGER NOT NULL,
            command TEXT NOT NULL DEFAULT '[]',
            pid INTEGER,
            pidStartTime TEXT,
            supervisorPid INTEGER,
            startedAt TEXT NOT NULL,
            heartbeatAt TEXT NOT NULL,
            endedAt TEXT,
            outcome TEXT CHECK (outcome IS NULL OR outcome IN ('completed', 'noChanges', 'failed',
                'crashed', 'timedOut', 'disconnected', 'interrupted')),
            exitStatus INTEGER,
            signal INTEGER,
            logPath TEXT,
            detail TEXT NOT NULL DEFAULT '{}',
            UNIQUE (task, attempt)
        );
        CREATE INDEX runs_open ON runs(task) WHERE endedAt IS NULL;
        """
}
