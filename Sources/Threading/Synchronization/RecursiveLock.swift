internal import MultiprocessingPlatform
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
/// undefined behaviour. Timeouts are measured on the monotonic clock; a
/// negative timeout does not wait. Releasing the last reference to a lock
/// that is held is not an error.
public final class RecursiveLock: @unchecked Sendable {
    let mutex = PThreadMutex(.recursive)
    /// How many levels the owner holds: read and written only with `mutex`
    /// held, so that a ``Condition`` can release them all while it waits.
    private var depth = 0

    /// Creates an unlocked lock.
    public init() {}

    /// Blocks until the calling thread holds the lock; returns at once if it
    /// already does (one more level to unlock).
    ///
    /// The corresponding C function is `pthread_mutex_lock`.
    public func lock() {
        let rc = mutex.lockReportingError()
        if rc != 0 { lockMisuse(rc, type: "RecursiveLock", function: "lock()") }
        depth += 1
    }

    /// Takes the lock if it is free or already held by the calling thread.
    ///
    /// - Returns: `false` if another thread holds it (not an error).
    ///
    /// The corresponding C function is `pthread_mutex_trylock`.
    public func tryLock() -> Bool {
        guard mutex.tryLock() else { return false }
        depth += 1
        return true
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
        depth += 1
        return true
    }

    /// Releases one level of the lock, which the calling thread must hold.
    ///
    /// The corresponding C function is `pthread_mutex_unlock`.
    public func unlock() {
        depth -= 1
        let rc = mutex.unlockReportingError()
        if rc != 0 { lockMisuse(rc, type: "RecursiveLock", function: "unlock()") }
    }

    /// Runs `body` holding the lock and releases that level however `body` exits.
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    // MARK: Condition support

    /// Before a condition wait, which releases one level: releases every other
    /// level the calling thread holds. Returns how many it held, or `nil` if
    /// it holds none (then nothing changes).
    func releaseAllButOneLevel() -> Int? {
        // Holding the mutex makes `depth` safe to read; a thread that held no
        // level got it just now, with `depth` still 0.
        guard mutex.tryLock() else { return nil }
        mutex.unlock()
        let levels = depth
        guard levels > 0 else {
            mutex.unlock()
            return nil
        }
        for _ in 1 ..< levels { mutex.unlock() }
        depth = 0
        return levels
    }

    /// After a condition wait, which took one level back: takes the others
    /// that ``releaseAllButOneLevel()`` released.
    func reacquireLevels(_ levels: Int) {
        for _ in 1 ..< levels { mutex.lock() }
        depth = levels
    }
}
