#if canImport(Glibc)
import Glibc
#endif

/// A lock its owner may take again, Python's `threading.RLock`.
///
/// Each ``lock()`` by the owner must be matched by an ``unlock()``; the lock
/// is free for other threads after the last one.
///
/// ```swift
/// let lock = RecursiveLock()
/// func deposit() { lock.withLock { /* may call other locked methods */ } }
/// ```
///
/// ``unlock()`` by a thread that does not hold the lock is a programmer error
/// and traps with a message (Python raises `RuntimeError`); it is never
/// undefined behaviour. Timeouts are measured on the monotonic clock.
public final class RecursiveLock: @unchecked Sendable {
    private let mutex = PThreadMutex(.recursive)

    /// Creates an unlocked lock.
    public init() {}

    /// Blocks until the calling thread holds the lock; returns at once if it
    /// already does (one more level to unlock).
    ///
    /// The corresponding C function is `pthread_mutex_lock`.
    public func lock() {
        let rc = mutex.lockReportingError()
        if rc != 0 { lockMisuse(rc, type: "RecursiveLock", function: "lock()") }
    }

    /// Takes the lock if it is free or already held by the calling thread.
    ///
    /// - Returns: `false` if another thread holds it (not an error).
    ///
    /// The corresponding C function is `pthread_mutex_trylock`.
    public func tryLock() -> Bool {
        mutex.tryLock()
    }

    /// Like ``lock()``, giving up after `timeout` on the monotonic clock.
    ///
    /// - Returns: `false` if the timeout passed first (not an error).
    ///
    /// The corresponding C function is `pthread_mutex_clocklock` on `CLOCK_MONOTONIC`.
    public func lock(timeout: Duration) -> Bool {
        let rc = mutex.lockReportingError(until: .after(timeout))
        if rc == ETIMEDOUT { return false }
        if rc != 0 { lockMisuse(rc, type: "RecursiveLock", function: "lock(timeout:)") }
        return true
    }

    /// Releases one level of the lock, which the calling thread must hold.
    ///
    /// The corresponding C function is `pthread_mutex_unlock`.
    public func unlock() {
        let rc = mutex.unlockReportingError()
        if rc != 0 { lockMisuse(rc, type: "RecursiveLock", function: "unlock()") }
    }

    /// Runs `body` holding the lock and releases that level however `body` exits.
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
