internal import MultiprocessingPlatform
/// A flag threads can wait for, Python's `threading.Event`.
///
/// ``set()`` raises the flag and wakes every waiter; ``clear()`` lowers it;
/// ``wait()`` blocks while it is down. A classic use is a start signal:
///
/// ```swift
/// let go = Event()
/// for worker in workers { try worker.start() }   // each calls go.wait()
/// go.set()                                        // all start together
/// ```
///
/// Timeouts are measured on the monotonic clock.
public final class Event: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let changed = PThreadCondition()
    private var flag = false  // guarded by `mutex`

    /// Creates an event whose flag is down.
    public init() {}

    /// Whether the flag is up now.
    public var isSet: Bool { mutex.withLock { flag } }

    /// Raises the flag and wakes every waiting thread. Setting a set event is not an error.
    public func set() {
        mutex.withLock {
            flag = true
            changed.broadcast()
        }
    }

    /// Lowers the flag; later ``wait()`` calls block until the next ``set()``.
    public func clear() {
        mutex.withLock { flag = false }
    }

    /// Blocks until the flag is up; returns at once if it already is.
    public func wait() {
        _ = wait(until: .distantFuture)
    }

    /// Blocks until the flag is up or `timeout` has passed.
    ///
    /// - Returns: whether the flag is up: `false` means the timeout passed (not an error).
    @discardableResult
    public func wait(timeout: Duration) -> Bool {
        wait(until: .after(timeout))
    }

    private func wait(until deadline: Deadline) -> Bool {
        mutex.withLock {
            while !flag {
                if !changed.wait(on: mutex, until: deadline) { return flag }
            }
            return true
        }
    }
}
