/// A value guarded by a ``PThreadMutex``: the package's stand-in for
/// `Synchronization.Mutex`, whose futex-based lock ThreadSanitizer cannot
/// see (it reports every access under such a lock as a race), and which
/// caches the owner's thread id, so that after `fork()` a contended `Mutex`
/// traps in the child (the child's thread keeps the parent's cached id).
package final class LockedState<State>: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private var state: State  // guarded by `mutex`

    package init(_ state: State) {
        self.state = state
    }

    package func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        mutex.lock()
        defer { mutex.unlock() }
        return try body(&state)
    }
}
