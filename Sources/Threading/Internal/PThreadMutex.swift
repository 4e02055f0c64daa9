package import MultiprocessingPlatform
internal import CThreading
#if canImport(Glibc)
import Glibc
#endif

/// The one wrapper over `pthread_mutex_t` in the package.
///
/// The mutex lives at a fixed heap address (pthread objects must never move)
/// and every pthread return code is checked: a failure here is a programmer
/// error (unlocking a mutex this thread does not hold, destroying a locked
/// one), so it traps, as swift-nio's lock wrappers do.
///
/// ``PThreadMutexStorage`` is the same mutex as a noncopyable value, for hot
/// objects (every `JobFuture`) that should not pay for a second object.
@usableFromInline
package final class PThreadMutex: @unchecked Sendable {
    @usableFromInline
    package enum Kind: Sendable {
        /// `PTHREAD_MUTEX_ERRORCHECK`: unlocking by a non-owner is reported, not undefined.
        case errorChecking
        /// `PTHREAD_MUTEX_RECURSIVE`: the owner may lock again.
        case recursive
        /// `PTHREAD_MUTEX_NORMAL`: the fastest, for internal state that is
        /// never unlocked by another thread.
        case normal
        /// `PTHREAD_MUTEX_ADAPTIVE_NP`: like `.normal`, but a contended lock
        /// spins briefly before sleeping, for tiny critical sections that
        /// several threads hit at high rates (a pool's job queue).
        case adaptive
    }

    @usableFromInline
    let storage: PThreadMutexStorage

    var pointer: UnsafeMutablePointer<pthread_mutex_t> { storage.pointer }

    @usableFromInline
    package init(_ kind: Kind = .normal) {
        storage = PThreadMutexStorage(kind)
    }

    /// The corresponding C function is `pthread_mutex_lock`.
    @usableFromInline
    package func lock() { storage.lock() }

    /// Returns `false` if another thread holds the mutex.
    /// The corresponding C function is `pthread_mutex_trylock`.
    package func tryLock() -> Bool { storage.tryLock() }

    /// Returns `false` if the deadline passed first.
    /// The corresponding C function is `pthread_mutex_clocklock` on `CLOCK_MONOTONIC`.
    package func lock(until deadline: Deadline) -> Bool {
        let rc = lockReportingError(until: deadline)
        if rc == ETIMEDOUT { return false }
        check(rc, "pthread_mutex_clocklock")
        return true
    }

    /// Locks, returning the error number instead of trapping, for callers that
    /// report misuse (`EDEADLK`: an error-checking mutex locked again by its owner).
    /// The corresponding C function is `pthread_mutex_lock`.
    package func lockReportingError() -> Int32 {
        pthread_mutex_lock(pointer)
    }

    /// Locks before `deadline`, returning 0, `ETIMEDOUT` or another error number
    /// (`EDEADLK`) instead of trapping. The corresponding C function is
    /// `pthread_mutex_clocklock` on `CLOCK_MONOTONIC`.
    package func lockReportingError(until deadline: Deadline) -> Int32 {
        if deadline == .distantFuture { return pthread_mutex_lock(pointer) }
        var ts = deadline.absoluteTimespec
        return cth_mutex_lock_until(pointer, &ts)
    }

    /// Returns the error number instead of trapping, for callers that report
    /// misuse (an unlock by a thread that does not own an error-checking mutex).
    /// The corresponding C function is `pthread_mutex_unlock`.
    package func unlockReportingError() -> Int32 {
        pthread_mutex_unlock(pointer)
    }

    /// The corresponding C function is `pthread_mutex_unlock`.
    @usableFromInline
    package func unlock() { storage.unlock() }

    package func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A `pthread_mutex_t` at a fixed heap address, owned by exactly one value:
/// the storage of ``PThreadMutex``, and usable on its own where an extra
/// object per lock would cost (a stored property of a class).
@usableFromInline
package struct PThreadMutexStorage: ~Copyable, @unchecked Sendable {
    let pointer: UnsafeMutablePointer<pthread_mutex_t>

    @usableFromInline
    package init(_ kind: PThreadMutex.Kind = .normal) {
        pointer = .allocate(capacity: 1)
        if case .normal = kind {
            // The default attributes make a normal mutex: skip building them.
            check(pthread_mutex_init(pointer, nil), "pthread_mutex_init")
            return
        }
        var attributes = pthread_mutexattr_t()
        check(pthread_mutexattr_init(&attributes), "pthread_mutexattr_init")
        defer { pthread_mutexattr_destroy(&attributes) }
        let type: Int32 = switch kind {
        case .errorChecking: Int32(PTHREAD_MUTEX_ERRORCHECK)
        case .recursive: Int32(PTHREAD_MUTEX_RECURSIVE)
        case .normal: Int32(PTHREAD_MUTEX_NORMAL)
        case .adaptive: cth_mutex_adaptive_kind()
        }
        check(pthread_mutexattr_settype(&attributes, type), "pthread_mutexattr_settype")
        check(pthread_mutex_init(pointer, &attributes), "pthread_mutex_init")
    }

    deinit {
        // A lock dropped while held (a thread took it and never released it)
        // is not an error, as in Python: no thread can be waiting for it any
        // more, and glibc's mutex owns nothing but this memory, so a `EBUSY`
        // from the destroy only means it is left as it was before the free.
        let rc = pthread_mutex_destroy(pointer)
        if rc != EBUSY { check(rc, "pthread_mutex_destroy") }
        pointer.deallocate()
    }

    /// The corresponding C function is `pthread_mutex_lock`.
    @usableFromInline
    package func lock() {
        check(pthread_mutex_lock(pointer), "pthread_mutex_lock")
    }

    /// The corresponding C function is `pthread_mutex_trylock`.
    @usableFromInline
    package func tryLock() -> Bool {
        let rc = pthread_mutex_trylock(pointer)
        if rc == EBUSY { return false }
        check(rc, "pthread_mutex_trylock")
        return true
    }

    /// The corresponding C function is `pthread_mutex_unlock`.
    @usableFromInline
    package func unlock() {
        check(pthread_mutex_unlock(pointer), "pthread_mutex_unlock")
    }
}

/// The one wrapper over `pthread_cond_t` in the package; waits are measured on
/// `CLOCK_MONOTONIC`. Callers loop on their own predicate: spurious wake-ups happen.
package final class PThreadCondition: @unchecked Sendable {
    private let pointer: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        pointer = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        check(pthread_condattr_init(&attributes), "pthread_condattr_init")
        defer { pthread_condattr_destroy(&attributes) }
        check(pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC), "pthread_condattr_setclock")
        check(pthread_cond_init(pointer, &attributes), "pthread_cond_init")
    }

    deinit {
        check(pthread_cond_destroy(pointer), "pthread_cond_destroy")
        pointer.deallocate()
    }

    /// The corresponding C function is `pthread_cond_wait`.
    package func wait(on mutex: PThreadMutex) {
        check(pthread_cond_wait(pointer, mutex.pointer), "pthread_cond_wait")
    }

    /// Returns `false` if the deadline passed. The corresponding C function is
    /// `pthread_cond_clockwait` on `CLOCK_MONOTONIC`.
    package func wait(on mutex: PThreadMutex, until deadline: Deadline) -> Bool {
        if deadline == .distantFuture {
            wait(on: mutex)
            return true
        }
        var ts = deadline.absoluteTimespec
        let rc = cth_cond_wait_until(pointer, mutex.pointer, &ts)
        if rc == ETIMEDOUT { return false }
        check(rc, "pthread_cond_clockwait")
        return true
    }

    /// Waits, returning 0, `ETIMEDOUT` or another error number (`EPERM`: the
    /// error-checking mutex is not held by the caller) instead of trapping.
    /// The corresponding C function is `pthread_cond_clockwait` on `CLOCK_MONOTONIC`.
    package func waitReportingError(on mutex: PThreadMutex, until deadline: Deadline) -> Int32 {
        if deadline == .distantFuture { return pthread_cond_wait(pointer, mutex.pointer) }
        var ts = deadline.absoluteTimespec
        return cth_cond_wait_until(pointer, mutex.pointer, &ts)
    }

    /// The corresponding C function is `pthread_cond_signal`.
    package func signal() {
        check(pthread_cond_signal(pointer), "pthread_cond_signal")
    }

    /// The corresponding C function is `pthread_cond_broadcast`.
    package func broadcast() {
        check(pthread_cond_broadcast(pointer), "pthread_cond_broadcast")
    }
}

/// Traps with the function's name and error number when a pthread call fails.
@inline(__always)
package func check(_ rc: Int32, _ function: StaticString) {
    if rc != 0 {
        preconditionFailure("\(function) failed with error \(rc)")
    }
}

/// A fixed table of mutexes shared by many small objects, each of which
/// locks the entry its address selects ("lock striping"): objects that are
/// created by the million (every `JobFuture`) then need no mutex of their own
/// to allocate, initialize and destroy.
///
/// Correct only for critical sections that never take a second lock of the
/// table (two objects may share an entry); entries are padded to a cache line
/// so neighbours do not slow each other down. The table lives for the process.
@usableFromInline
package final class PThreadMutexTable: @unchecked Sendable {
    private static let entryCount = 128
    private static let stride = 64  // bytes: one cache line per mutex
    private let base: UnsafeMutableRawPointer

    /// The table `JobFuture`s use.
    @usableFromInline
    package static let shared = PThreadMutexTable()

    private init() {
        precondition(MemoryLayout<pthread_mutex_t>.size <= Self.stride)
        base = .allocate(byteCount: Self.entryCount * Self.stride, alignment: Self.stride)
        for index in 0..<Self.entryCount {
            let mutex = (base + index * Self.stride).bindMemory(to: pthread_mutex_t.self, capacity: 1)
            check(pthread_mutex_init(mutex, nil), "pthread_mutex_init")
        }
    }

    private func mutex(for object: AnyObject) -> UnsafeMutablePointer<pthread_mutex_t> {
        // Heap objects are at least 16-byte aligned: drop those bits, then mix.
        let address = UInt(bitPattern: ObjectIdentifier(object)) >> 4
        let index = Int((address ^ (address >> 7)) % UInt(Self.entryCount))
        return (base + index * Self.stride).assumingMemoryBound(to: pthread_mutex_t.self)
    }

    /// Locks the entry of `object`. The corresponding C function is `pthread_mutex_lock`.
    @usableFromInline
    package func lock(for object: AnyObject) {
        check(pthread_mutex_lock(mutex(for: object)), "pthread_mutex_lock")
    }

    /// Unlocks the entry of `object`. The corresponding C function is `pthread_mutex_unlock`.
    @usableFromInline
    package func unlock(for object: AnyObject) {
        check(pthread_mutex_unlock(mutex(for: object)), "pthread_mutex_unlock")
    }
}
