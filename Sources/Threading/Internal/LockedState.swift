/// A value guarded by a ``PThreadMutex``: the package's stand-in for
/// `Synchronization.Mutex`, whose futex-based lock ThreadSanitizer cannot
/// see (it reports every access under such a lock as a race).
package final class LockedState<State>: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private var state: State  // guarded by `mutex`

    package init(_ state: State) {
        self.state = state
    }

    package func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        mutex.lock()
        defer { mutex.unlock() }
        return try body(&state)
    }
}
