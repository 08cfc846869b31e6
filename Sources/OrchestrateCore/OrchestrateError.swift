/// A failure the user can act on: one sentence that names the object and the next step, and
/// the exit status that goes with it (contract: 1 the operation ran and part of it failed,
/// 2 bad usage or bad input).
public struct OrchestrateError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let exitCode: Int32

    public init(_ message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    /// Bad input: an unknown task, an invalid id, a malformed config, a refused state change.
    public static func badInput(_ message: String) -> OrchestrateError {
        OrchestrateError(message, exitCode: 2)
    }

    /// The operation ran and part of it failed (a conflict, a failed check, a refused push).
    public static func failed(_ message: String) -> OrchestrateError {
        OrchestrateError(message, exitCode: 1)
    }

    public var description: String { message }
}
