import CLibgit2
import Foundation

extension Repository {
    /// Whether a three-way merge of these trees could pair a rename: some side deletes a path
    /// and adds another. Without that, rename detection cannot change the result.
    func mayHoldRenames(_ ancestor: OpaquePointer?, _ ours: OpaquePointer?, _ theirs: OpaquePointer?) throws -> Bool {
        for side in [ours, theirs] {
            let changes = try treeChanges(ancestor, side)
            if changes.contains(where: { $0.old == nil }) && changes.contains(where: { $0.new == nil }) { return true }
        }
        return false
    }

    /// The cherry-pick of `ancestor → theirs` onto `ours` computed by git itself (merge-ort, via
    /// `git merge-tree --write-tree`), for merges where rename detection matters: libgit2's
    /// similarity measure is not git's (it paired files git rates 44% similar, under git's 50%
    /// threshold), and git's verdict is the one users know from `git rebase`. git 2.39 has no
    /// `--merge-base`, so `ours` is re-parented on `ancestor` in a throwaway commit object: the
    /// merge base of that commit and `theirs` is then exactly `ancestor`.
    func gitMergeTree(ancestor: ObjectID, theirs: ObjectID, ours: ObjectID) throws -> TreeMergeResult {
        let signature = Signature(name: "git-orchestrate", email: "git-orchestrate@localhost", time: Date(timeIntervalSince1970: 0))
        let oursOnBase = try createCommit(tree: try treeOf(ours), parents: [ancestor], author: signature, committer: signature, message: "merge base\n")
        let theirsOnBase = try commitInfo(theirs).parents == [ancestor]
            ? theirs
            : createCommit(tree: try treeOf(theirs), parents: [ancestor], author: signature, committer: signature, message: "change\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "git", "--git-dir", commonDir, "merge-tree", "--write-tree", "--name-only", "--no-messages",
            oursOnBase.hex, theirsOnBase.hex,
        ]
        var env = ProcessInfo.processInfo.environment
        for key in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX"] {
            env.removeValue(forKey: key)
        }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first, let tree = ObjectID(hex: first), [0, 1].contains(process.terminationStatus) else {
            throw GitError(
                code: .generic, errorClass: 0,
                message: "git merge-tree exited \(process.terminationStatus) (\(lines.first ?? "no output")); is git 2.38 or later on PATH?",
                function: "gitMergeTree")
        }
        if process.terminationStatus == 0 { return .clean(tree: tree, method: .full) }
        let paths = lines.dropFirst().prefix { !$0.isEmpty }
        return .conflict(paths: Array(Set(paths)).sorted())
    }
}
