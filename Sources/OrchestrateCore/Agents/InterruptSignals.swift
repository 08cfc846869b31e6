import Foundation
import Synchronization

/// How many times SIGINT or SIGTERM reached this process since `InterruptSignals.install()`.
/// A signal handler may only touch lock-free state: this counter.
private let interruptCount = Atomic<Int>(0)

/// Catches Ctrl-C (SIGINT) and SIGTERM while agents run, so that the supervisor can stop them
/// gracefully instead of dying and leaving them unwatched.
enum InterruptSignals {
    /// Starts counting SIGINT and SIGTERM instead of dying of them.
    static func install() {
        interruptCount.store(0, ordering: .relaxed)
        signal(SIGINT) { _ in interruptCount.add(1, ordering: .relaxed) }
        signal(SIGTERM) { _ in interruptCount.add(1, ordering: .relaxed) }
        // With SIGCHLD ignored (a disposition a parent can hand down) children are reaped by
        // the kernel and waitpid could never report how an agent ended.
        signal(SIGCHLD, SIG_DFL)
        // A parent may have started us with these signals blocked (they would stay pending
        // for ever): unblock them on this thread, which is the one that waits.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Gives SIGINT and SIGTERM their default behaviour back.
    static func uninstall() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// How many interrupts arrived: 1 asks for a graceful stop, 2 or more for an immediate one.
    static var count: Int { interruptCount.load(ordering: .relaxed) }
}
