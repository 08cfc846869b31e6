import CLibgit2

/// A failed libgit2 call: the status code, the error class and libgit2's own message, read on
/// the same thread right after the call.
public struct GitError: Error, CustomStringConvertible, Sendable {
    /// A libgit2 status code (`git_error_code`), matchable in `catch` clauses:
    /// `catch GitError.Code.modified { … }`.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        init(_ code: git_error_code) { rawValue = code.rawValue }

        public static let generic = Code(GIT_ERROR)
        public static let notFound = Code(GIT_ENOTFOUND)
        public static let exists = Code(GIT_EEXISTS)
        public static let ambiguous = Code(GIT_EAMBIGUOUS)
        public static let unbornBranch = Code(GIT_EUNBORNBRANCH)
        public static let unmerged = Code(GIT_EUNMERGED)
        public static let nonFastForward = Code(GIT_ENONFASTFORWARD)
        public static let invalidSpec = Code(GIT_EINVALIDSPEC)
        public static let conflict = Code(GIT_ECONFLICT)
        public static let locked = Code(GIT_ELOCKED)
        public static let modified = Code(GIT_EMODIFIED)
        public static let mergeConflict = Code(GIT_EMERGECONFLICT)
        public static let iterationOver = Code(GIT_ITEROVER)

        /// Lets `catch GitError.Code.locked` match a thrown `GitError` of that code.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? GitError)?.code == code
        }
    }

    public let code: Code
    /// libgit2's error class (`git_error_t`), 0 when none was set.
    public let errorClass: Int32
    public let message: String
    /// The C function that failed.
    public let function: String

    public var description: String { "\(function): \(message)" }
}

/// The one gateway for C calls that return a status: a negative status becomes a `GitError`
/// carrying `git_error_last()`, read at once on this thread (libgit2's error is thread-local).
@discardableResult
func check(_ function: StaticString, _ status: Int32) throws -> Int32 {
    guard status < 0 else { return status }
    var message = "libgit2 error \(status)"
    var errorClass: Int32 = 0
    if let last = git_error_last() {
        errorClass = last.pointee.klass
        if let text = last.pointee.message { message = String(cString: text) }
    }
    throw GitError(
        code: GitError.Code(rawValue: status), errorClass: errorClass, message: message,
        function: "\(function)")
}

/// Initialises libgit2 once per process (Swift runs a global's initialiser exactly once).
let libgit2Initialized: Void = {
    git_libgit2_init()
    // We verify objects we read ourselves where it matters; skipping libgit2's strict hash
    // verification and fsync of the object database is what makes in-process landing fast.
    _ = orchestrate_git_disable_strict_hash_verification()
    // Ownership (`safe.directory`) is checked by asking git, which reads it from every file
    // git would; libgit2's own check reads only ~/.gitconfig.
    _ = orchestrate_git_disable_owner_validation()
    _ = orchestrate_git_allow_worktree_config()
}()
