extension Migrations {
    /// The template each task was made from (`add --template`, a task file's `template`), so
    /// that `run`/`up` can use the template's own agent command.
    static let taskTemplates = """
        CREATE TABLE task_templates (
            task TEXT PRIMARY KEY NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
            template TEXT NOT NULL
        ) WITHOUT ROWID;
        """
}
