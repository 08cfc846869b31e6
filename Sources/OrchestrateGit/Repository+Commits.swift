import CLibgit2
import Foundation

/// A person and a time, as in a commit's author or committer line.
public struct Signature: Sendable, Equatable {
    public var name: String
    public var email: String
    public var time: Date
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int

    public init(name: String, email: String, time: Date, offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ sig: UnsafePointer<git_signature>) {
        name = String(cString: sig.pointee.name)
        email = String(cString: sig.pointee.email)
        time = Date(timeIntervalSince1970: TimeInterval(sig.pointee.when.time))
        offsetMinutes = Int(sig.pointee.when.offset)
    }

    /// `Name <email>`.
    public var identity: String { "\(name) <\(email)>" }

    /// Runs `body` with a libgit2 signature for this value.
    func withRaw<T>(_ body: (UnsafePointer<git_signature>) throws -> T) throws -> T {
        var sig: UnsafeMutablePointer<git_signature>?
        try check(
            "git_signature_new",
            git_signature_new(
                &sig, name, email, git_time_t(time.timeIntervalSince1970.rounded(.down)),
                Int32(offsetMinutes)))
        defer { git_signature_free(sig) }
        return try body(try unwrap(UnsafePointer(sig)))
    }
}

/// What a commit says about itself.
public struct CommitInfo: Sendable, Equatable {
    public var id: ObjectID
    public var tree: ObjectID
    public var parents: [ObjectID]
    public var author: Signature
    public var committer: Signature
    public var message: String

    /// The first line of the message.
    public var summary: String {
        String(message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}

extension Repository {
    /// Reads commit `oid`.
    public func commitInfo(_ oid: ObjectID) throws -> CommitInfo {
        let commit = try lookupCommit(oid)
        defer { git_commit_free(commit) }
        var parents: [ObjectID] = []
        for i in 0..<git_commit_parentcount(commit) {
            if let p = git_commit_parent_id(commit, i) { parents.append(ObjectID(p)) }
        }
        return CommitInfo(
            id: oid, tree: ObjectID(git_commit_tree_id(commit)), parents: parents,
            author: Signature(git_commit_author(commit)),
            committer: Signature(git_commit_committer(commit)),
            message: String(cString: git_commit_message(commit)))
    }

    /// The commits reachable from `heads` and not from `hiding`, oldest first (topological
    /// order, like `git rev-list --reverse --topo-order`).
    public func commits(from heads: [ObjectID], hiding: [ObjectID]) throws -> [ObjectID] {
        // A linear range needs no revision walk: libgit2's topological walk read the whole
        // history (20 M instructions over 10,000 commits) to return the one commit a hook had
        // just made.
        if heads.count == 1, hiding.count == 1, let line = try linearCommits(from: heads[0], to: [hiding[0]], limit: 1000) {
            return line.commits
        }
        var walk: OpaquePointer?
        try check("git_revwalk_new", git_revwalk_new(&walk, handle))
        defer { git_revwalk_free(walk) }
        try check(
            "git_revwalk_sorting",
            git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue))
        for head in heads {
            var raw = head.raw
            try check("git_revwalk_push", git_revwalk_push(walk, &raw))
        }
        for hidden in hiding {
            var raw = hidden.raw
            try check("git_revwalk_hide", git_revwalk_hide(walk, &raw))
        }
        var result: [ObjectID] = []
        var oid = git_oid()
        while true {
            let status = git_revwalk_next(&oid, walk)
            if status == GIT_ITEROVER.rawValue { break }
            try check("git_revwalk_next", status)
            result.append(ObjectID(oid))
        }
        return result
    }

    /// The commits from `head` down a line of single-parent commits to the first one in
    /// `stops` (excluded, returned as `stop`), oldest first; nil when the line forks (a merge
    /// commit), ends (a root) or runs past `limit` first — then ask `commits(from:hiding:)`.
    /// Reads each commit once and never the commit-graph, which libgit2 reloads (checksumming
    /// the whole file) for every revwalk after an object was written.
    public func linearCommits(
        from head: ObjectID, to stops: Set<ObjectID>, limit: Int
    ) throws -> (commits: [ObjectID], stop: ObjectID)? {
        var line: [ObjectID] = []
        var current = head
        while !stops.contains(current) {
            guard line.count < limit else { return nil }
            let commit = try lookupCommit(current)
            defer { git_commit_free(commit) }
            guard git_commit_parentcount(commit) == 1, let parent = git_commit_parent_id(commit, 0) else { return nil }
            line.append(current)
            current = ObjectID(parent)
        }
        return (line.reversed(), current)
    }

    /// The best common ancestor of `a` and `b`, or nil when they share no history.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID? {
        var out = git_oid()
        var l = a.raw
        var r = b.raw
        let status = git_merge_base(&out, handle, &l, &r)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check("git_merge_base", status)
        return ObjectID(out)
    }

    /// Whether `commit` is `ancestor` or has it in its history.
    public func contains(_ commit: ObjectID, ancestor: ObjectID) throws -> Bool {
        if commit == ancestor { return true }
        // One commit on top of the other (what a hook sees after `git commit`) needs no graph
        // walk: libgit2's took 20 M instructions in a history of 10,000 commits.
        if try commitInfo(commit).parents.contains(ancestor) { return true }
        var c = commit.raw
        var a = ancestor.raw
        return try check("git_graph_descendant_of", git_graph_descendant_of(handle, &c, &a)) == 1
    }

    /// Writes a commit object (no reference is moved) and returns its id.
    public func createCommit(
        tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature,
        message: String
    ) throws -> ObjectID {
        var treeRaw = tree.raw
        var treeObject: OpaquePointer?
        try check("git_tree_lookup", git_tree_lookup(&treeObject, handle, &treeRaw))
        defer { git_tree_free(treeObject) }
        var parentObjects: [OpaquePointer?] = []
        defer { parentObjects.forEach { git_commit_free($0) } }
        for parent in parents { parentObjects.append(try lookupCommit(parent)) }
        var out = git_oid()
        _ = try author.withRaw { authorSig in
            _ = try committer.withRaw { committerSig in
                try parentObjects.withUnsafeMutableBufferPointer { buffer in
                    try check(
                        "git_commit_create",
                        git_commit_create(
                            &out, handle, nil, authorSig, committerSig, "UTF-8", message,
                            treeObject, parents.count, buffer.baseAddress))
                }
            }
        }
        return ObjectID(out)
    }
}
