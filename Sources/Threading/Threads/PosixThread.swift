internal import MultiprocessingPlatform
internal import CThreading
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A thread of the operating system, Python's `threading.Thread`.
///
/// Give it a closure, or subclass it and override ``run()``:
///
/// ```swift
/// let worker = PosixThread(name: "worker") { print("hello from a thread") }
/// try worker.start()
/// worker.join()
///
/// final class Counter: PosixThread, @unchecked Sendable {
///     override func run() { /* ... */ }
/// }
/// ```
///
/// The name is also given to the operating system (the first 15 bytes, the
/// kernel's limit), so it shows in `top -H`, `ps -L` and debuggers.
///
/// A thread runs at most once: a second ``start()`` throws. ``join()`` waits
/// for ``run()`` to return; ``join(timeout:)`` waits at most that long on the
/// monotonic clock, without polling. A thread that is never joined is not a
/// leak: its resources are released when it ends and the object goes away.
///
/// A subclass restates `@unchecked Sendable` (Swift asks every subclass of an
/// `@unchecked Sendable` class to, as with Foundation's `Thread`).
///
/// The thread keeps the object alive while it runs. Subclasses that add mutable
/// state share it between the starting thread and the new one: guard it (with a
/// ``Lock``) or only read it after ``join()``.
open class PosixThread: @unchecked Sendable {
    private enum State {
        case created
        case running(pthread_t)
        /// `run()` returned; `pthread_join` not yet called (nil once it was).
        case finished(pthread_t?)
    }

    /// The thread's name, as given or `Thread-N` (numbered like Python's).
    public let name: String
    private let mutex = PThreadMutex()
    private let finished = PThreadCondition()
    // Guarded by `mutex`:
    private var state = State.created
    /// Dropped once ``run()`` returns, as Python drops a thread's target, so
    /// that whatever it captured (an object owning this thread, say) is freed.
    private var body: (@Sendable () -> Void)?

    private static let counter = Atomic<Int>(0)

    /// Creates a thread that runs `body` once started.
    ///
    /// - Parameters:
    ///   - name: the thread's name; `nil` gives `Thread-N`.
    ///   - body: the code the thread runs.
    public init(name: String? = nil, body: @escaping @Sendable () -> Void) {
        self.name = name ?? Self.defaultName()
        self.body = body
    }

    /// Creates a thread for a subclass that overrides ``run()``.
    public init(name: String? = nil) {
        self.name = name ?? Self.defaultName()
        self.body = nil
    }

    private static func defaultName() -> String {
        "Thread-\(counter.add(1, ordering: .relaxed).newValue)"
    }

    deinit {
        // Never joined: let the system reclaim the thread when it ends.
        switch state {
        case .running(let handle), .finished(let handle?): pthread_detach(handle)
        case .created, .finished(nil): break
        }
    }

    /// The code the thread runs: the `body` given to ``init(name:body:)``, or
    /// a subclass's override. Calling it directly runs it on the caller.
    open func run() {
        mutex.withLock { body }?()
    }

    /// Starts the thread, which then calls ``run()``.
    ///
    /// - Throws: ``ThreadError/alreadyStarted(name:)`` if this thread was
    ///   started before, ``ThreadError/creationFailed(name:errno:)`` if the
    ///   system could not create a thread.
    ///
    /// The corresponding C function is `pthread_create`.
    public func start() throws(ThreadError) {
        try mutex.withLock { () throws(ThreadError) in
            guard case .created = state else { throw .alreadyStarted(name: name) }
            let retained = Unmanaged.passRetained(self).toOpaque()
            var handle = pthread_t()
            let rc = pthread_create(&handle, nil, posixThreadEntry, retained)
            guard rc == 0 else {
                Unmanaged<PosixThread>.fromOpaque(retained).release()
                throw .creationFailed(name: name, errno: rc)
            }
            state = .running(handle)
        }
    }

    /// Whether the thread has started and ``run()`` has not yet returned.
    public var isAlive: Bool {
        mutex.withLock {
            if case .running = state { return true }
            return false
        }
    }

    /// Blocks until ``run()`` has returned. Joining a finished thread returns at once.
    ///
    /// Joining a thread that was never started, or the calling thread itself,
    /// is a programmer error and traps (Python raises `RuntimeError`).
    ///
    /// The corresponding C function is `pthread_join`.
    public func join() {
        _ = join(until: .distantFuture)
    }

    /// Blocks until ``run()`` has returned or `timeout` has passed on the monotonic clock.
    ///
    /// - Returns: `false` if the thread is still running. That is not an error:
    ///   join again later.
    public func join(timeout: Duration) -> Bool {
        join(until: .after(timeout))
    }

    private func join(until deadline: Deadline) -> Bool {
        let handle: pthread_t? = mutex.withLock {
            while true {
                switch state {
                case .created:
                    preconditionFailure("PosixThread.join(): thread '\(name)' was never started")
                case .running(let handle):
                    precondition(pthread_equal(handle, pthread_self()) == 0,
                                 "PosixThread.join(): thread '\(name)' cannot join itself")
                    if !finished.wait(on: mutex, until: deadline) {
                        if case .finished = state { continue }
                        return nil
                    }
                case .finished(let handle):
                    state = .finished(nil)
                    return handle ?? pthread_self()
                }
            }
        }
        guard let handle else { return false }
        if pthread_equal(handle, pthread_self()) == 0 {
            // run() has returned: this only waits for the thread's last instructions.
            check(pthread_join(handle, nil), "pthread_join")
        }
        return true
    }

    /// Called on the new thread.
    fileprivate func main() {
        Self.setCurrentName(name)
        run()
        // Released here, outside the lock: whatever the body captured may
        // have a deinit that uses this thread (joins it, reads its state).
        let body = mutex.withLock { () -> (@Sendable () -> Void)? in
            defer { self.body = nil }
            return self.body
        }
        _ = consume body
        mutex.withLock {
            guard case .running(let handle) = state else {
                preconditionFailure("PosixThread '\(name)' finished without running")
            }
            state = .finished(handle)
            finished.broadcast()
        }
    }

    /// Sets the calling thread's name as the system sees it, cut to the
    /// kernel's 15 bytes on a character boundary.
    /// The corresponding C function is `pthread_setname_np`.
    package static func setCurrentName(_ name: String) {
        setCurrentName(systemName(name))
    }

    /// `name` as the kernel keeps it: at most 15 bytes of UTF-8, cut on a
    /// character boundary, NUL-terminated. Prepared ahead of time by code
    /// that must do as little as possible when it sets the name (a forked child).
    package static func systemName(_ name: String) -> [CChar] {
        var bytes = Array(name.utf8.prefix(15))
        while !bytes.isEmpty, String(validating: bytes, as: UTF8.self) == nil {
            bytes.removeLast()
        }
        bytes.append(0)
        return bytes.map { CChar(bitPattern: $0) }
    }

    /// Sets the calling thread's name from ``systemName(_:)``'s result; no
    /// allocation, no lock. The corresponding C function is `pthread_setname_np`.
    package static func setCurrentName(_ systemName: [CChar]) {
        systemName.withUnsafeBufferPointer { _ = cth_set_current_thread_name($0.baseAddress!) }
    }

    /// The calling thread's name as the system sees it.
    /// The corresponding C function is `pthread_getname_np`.
    public static var currentSystemName: String {
        var buffer = [CChar](repeating: 0, count: 16)
        let rc = cth_get_current_thread_name(&buffer, buffer.count)
        guard rc == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The start routine handed to `pthread_create`: takes over the reference
/// retained by `start()`.
private func posixThreadEntry(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let thread = Unmanaged<PosixThread>.fromOpaque(context!).takeRetainedValue()
    thread.main()
    return nil
}
