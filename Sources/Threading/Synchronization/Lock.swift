internal import MultiprocessingPlatform
#if canImport(Glibc)
import Glibc
#endif

/// A mutual-exclusion lock, Python's `threading.Lock`.
///
/// ```swift
/// let lock = Lock()
/// lock.withLock { counter += 1 }
/// ```
///
/// Built on an error-checking `pthread_mutex_t`, so misuse is reported
/// instead of being undefined behaviour. These are programmer errors and trap
/// with a message saying what happened (Python raises `RuntimeError`):
/// - ``unlock()`` by a thread that does not hold the lock (Python's `Lock`
///   allows that; here the owner must unlock, like Python's `RLock`);
/// - ``lock()`` again by the thread that holds it, which would deadlock
///   (use ``RecursiveLock`` for re-entry).
///
/// Uncontended, a lock and an unlock cost one atomic operation each.
/// Timeouts are measured on the monotonic clock; a negative timeout does not
/// wait. Releasing the last reference to a lock that is held is not an error.
public final class Lock: @unchecked Sendable {
    let mutex = PThreadMutex(.errorChecking)

    /// Creates an unlocked lock.
    public init() {}

    /// Blocks until the calling thread holds the lock.
    ///
    /// The corresponding C function is `pthread_mutex_lock`.
    public func lock() {
        let rc = mutex.lockReportingError()
        if rc != 0 { misuse(rc, "lock()") }
    }

    /// Takes the lock if it is free.
    ///
    /// - Returns: `false` if another thread holds it (not an error).
    ///
    /// The corresponding C function is `pthread_mutex_trylock`.
    public func tryLock() -> Bool {
        mutex.tryLock()
    }

    /// Blocks until the calling thread holds the lock or `timeout` has passed.
    ///
    /// - Returns: `false` if the timeout passed first (not an error).
    ///
    /// The corresponding C function is `pthread_mutex_clocklock` on `CLOCK_MONOTONIC`.
    public func lock(timeout: Duration) -> Bool {
        let rc = mutex.lockReportingError(until: .after(timeout))
        if rc == ETIMEDOUT { return false }
        if rc != 0 { misuse(rc, "lock(timeout:)") }
        return true
    }

    /// Releases the lock, which the calling thread must hold.
    ///
    /// The corresponding C function is `pthread_mutex_unlock`.
    public func unlock() {
        let rc = mutex.unlockReportingError()
        if rc != 0 { misuse(rc, "unlock()") }
    }

    /// Runs `body` holding the lock and releases it however `body` exits.
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    private func misuse(_ rc: Int32, _ function: String) -> Never {
        lockMisuse(rc, type: "Lock", function: function)
    }
}

/// Traps with a message naming the misuse behind a pthread error number.
func lockMisuse(_ rc: Int32, type: String, function: String) -> Never {
    switch rc {
    case EPERM:
        preconditionFailure("\(type).\(function): the calling thread does not hold this lock")
    case EDEADLK:
        preconditionFailure("\(type).\(function): the calling thread already holds this lock; use RecursiveLock to re-enter")
    case EAGAIN:
        preconditionFailure("\(type).\(function): the lock was taken recursively too many times")
    default:
        preconditionFailure("\(type).\(function) failed with error \(rc)")
    }
}
