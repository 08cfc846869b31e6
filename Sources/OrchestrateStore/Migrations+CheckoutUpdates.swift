extension Migrations {
    /// v2: landings whose move of the target has not reached the checkouts of the target yet.
    /// The merge buffer brings the user's checkout along once per run (writing a large index
    /// once, not once per landing); a row here says that a landing is still owed to the
    /// checkouts, so that a merge killed before the end leaves the next `merge` or `doctor`
    /// enough to finish the job.
    static let v2CheckoutUpdates = """
        CREATE TABLE checkout_updates (
            journal INTEGER PRIMARY KEY REFERENCES merge_journal(id)
        );
        """
}
