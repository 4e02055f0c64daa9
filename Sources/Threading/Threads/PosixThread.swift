//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-multiprocessing open source project
//
// Copyright (c) 2026 the swift-multiprocessing project authors
// Licensed under Apache License v2.0
//
// See LICENSE.txt for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

internal import CThreading
internal import MultiprocessingPlatform
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
/// ``PosixThread/current``, ``PosixThread/main`` and ``PosixThread/all`` find
/// threads, as Python's `current_thread()`, `main_thread()` and `enumerate()`.
///
/// ## Errors and traps
/// An error thrown by ``run()`` (or by the body) ends the thread: it is kept
/// in ``error`` and handed to ``PosixThread/uncaughtErrorHandler``, which by
/// default prints it to standard error, as Python's `threading.excepthook`
/// does; other threads go on. A trap (a failed precondition, a forced unwrap
/// of `nil`, an out-of-bounds index) is different: it ends the whole process,
/// whichever thread it happens on, as in any Swift program. Code that may
/// trap and must not take the program with it belongs in another process
/// (a `ProcessPool` job).
///
/// ## Daemon threads
/// A thread is a daemon thread by default (``isDaemon``): the process does
/// not wait for it when `main` returns or `exit` is called, and it simply
/// stops with the process. **Python differs**: its threads are not daemons
/// unless asked. Set `isDaemon = false` before ``start()`` for Python's
/// behaviour: the process then joins the thread at exit (in an `atexit`
/// handler, before other handlers registered earlier run), so it can finish
/// its work; a non-daemon thread that never ends keeps the process from
/// exiting, as in Python.
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
        case running
        /// `run()` returned; `pthread_join` not yet called.
        case finished
        /// `pthread_join` was called (or is not ours to call: the main thread,
        /// a thread the package did not start).
        case joined
    }

    /// Where the thread comes from.
    enum Origin {
        /// Started by ``start()``.
        case started
        /// The process's main thread: ``PosixThread/main``.
        case main
        /// Started by other code; this object stands for it (Python's `_DummyThread`).
        case foreign
    }

    /// The thread's name, as given or `Thread-N` (numbered like Python's).
    public let name: String
    let origin: Origin
    private let mutex = PThreadMutex()
    private let stateChanged = PThreadCondition()
    // Guarded by `mutex`:
    private var state: State
    private var handle: pthread_t?
    /// Dropped once ``run()`` returns, as Python drops a thread's target, so
    /// that whatever it captured (an object owning this thread, say) is freed.
    private var body: (@Sendable () throws -> Void)?
    private var daemon = true
    private var kernelThreadID: pid_t?
    private var thrown: (any Error)?

    private static let counter = Atomic<Int>(0)

    /// Creates a thread that runs `body` once started.
    ///
    /// - Parameters:
    ///   - name: the thread's name; `nil` gives `Thread-N`.
    ///   - body: the code the thread runs. An error it throws ends the thread
    ///     and goes to ``error`` and ``PosixThread/uncaughtErrorHandler``.
    public init(name: String? = nil, body: @escaping @Sendable () throws -> Void) {
        self.name = name ?? Self.defaultName()
        self.body = body
        self.origin = .started
        self.state = .created
    }

    /// Creates a thread for a subclass that overrides ``run()``.
    public init(name: String? = nil) {
        self.name = name ?? Self.defaultName()
        self.body = nil
        self.origin = .started
        self.state = .created
    }

    /// An object for a thread that is already running: the main thread, or
    /// one the package did not start.
    init(standingFor origin: Origin, handle: pthread_t, kernelThreadID: pid_t, name: String) {
        self.name = name
        self.origin = origin
        self.state = .running
        self.handle = handle
        self.kernelThreadID = kernelThreadID
    }

    private static func defaultName() -> String {
        "Thread-\(counter.add(1, ordering: .relaxed).newValue)"
    }

    deinit {
        // Never joined: let the system reclaim the thread when it ends.
        guard case .started = origin, let handle else { return }
        switch state {
        case .running, .finished: pthread_detach(handle)
        case .created, .joined: break
        }
    }

    /// The code the thread runs: the `body` given to ``init(name:body:)``, or
    /// a subclass's override. Calling it directly runs it on the caller.
    ///
    /// - Throws: what the body throws; on the thread, the error ends it (see
    ///   ``error``).
    open func run() throws {
        try mutex.withLock { body }?()
    }

    /// Starts the thread, which then calls ``run()``.
    ///
    /// - Throws: ``ThreadError/alreadyStarted(name:)`` if this thread was
    ///   started before (also for ``PosixThread/main`` and the stand-ins
    ///   ``PosixThread/current`` makes, which are running already),
    ///   ``ThreadError/creationFailed(name:errno:)`` if the system could not
    ///   create a thread.
    ///
    /// The corresponding C function is `pthread_create`.
    public func start() throws(ThreadError) {
        try mutex.withLock { () throws(ThreadError) in
            guard case .created = state else { throw .alreadyStarted(name: name) }
            ThreadRegistry.shared.add(self)
            let retained = Unmanaged.passRetained(self).toOpaque()
            var handle = pthread_t()
            let rc = pthread_create(&handle, nil, posixThreadEntry, retained)
            guard rc == 0 else {
                Unmanaged<PosixThread>.fromOpaque(retained).release()
                ThreadRegistry.shared.remove(self)
                throw .creationFailed(name: name, errno: rc)
            }
            self.handle = handle
            state = .running
            if !daemon { ThreadRegistry.joinNonDaemonThreadsAtExit }
        }
    }

    /// Whether the thread has started and ``run()`` has not yet returned.
    /// ``PosixThread/main`` is always alive; a stand-in for a thread the
    /// package did not start is alive until that thread exits.
    public var isAlive: Bool {
        mutex.withLock {
            if case .running = state { return true }
            return false
        }
    }

    /// Whether the process may end without waiting for this thread (`true`
    /// by default, unlike Python; see "Daemon threads" above).
    ///
    /// Set it before ``start()``; changing it on a started thread is a
    /// programmer error and traps (Python raises `RuntimeError`).
    public var isDaemon: Bool {
        get { mutex.withLock { daemon } }
        set {
            mutex.withLock {
                guard case .created = state else {
                    preconditionFailure("PosixThread.isDaemon: thread '\(name)' has already started")
                }
                daemon = newValue
            }
        }
    }

    /// The thread's `pthread_t` (on Linux a `UInt`, the address of the
    /// thread's control block), Python's `ident`; `nil` until it is started.
    /// It stays after the thread ends, but the system may then give the same
    /// value to a new thread. The corresponding C function is `pthread_self`.
    public var ident: UInt? {
        mutex.withLock { handle }
    }

    /// The thread's id in the kernel (a `pid_t`: what `ps -L`, `top -H` and
    /// `/proc/self/task` show), Python's `native_id`; `nil` until it is
    /// started. Right after ``start()`` it waits, briefly, for the new thread
    /// to tell it. The corresponding C function is `gettid`.
    public var nativeID: Int32? {
        mutex.withLock {
            while kernelThreadID == nil, case .running = state {
                stateChanged.wait(on: mutex)
            }
            return kernelThreadID
        }
    }

    /// The error ``run()`` threw, once the thread has ended because of it;
    /// `nil` while it runs, and if it returned normally.
    public var error: (any Error)? {
        mutex.withLock { thrown }
    }

    /// Blocks until ``run()`` has returned. Joining a finished thread returns at once.
    ///
    /// Joining a thread that was never started, or the calling thread itself,
    /// is a programmer error and traps (Python raises `RuntimeError`).
    /// Joining ``PosixThread/main`` waits for as long as the process lives;
    /// joining a stand-in for a thread the package did not start waits until
    /// that thread exits.
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
        let outcome: (handle: pthread_t?, joined: Bool) = mutex.withLock {
            while true {
                switch state {
                case .created:
                    preconditionFailure("PosixThread.join(): thread '\(name)' was never started")
                case .running:
                    precondition(
                        pthread_equal(handle!, pthread_self()) == 0,
                        "PosixThread.join(): thread '\(name)' cannot join itself")
                    if !stateChanged.wait(on: mutex, until: deadline) {
                        if case .running = state { return (nil, false) }
                    }
                case .finished:
                    state = .joined
                    return (handle, true)
                case .joined:
                    return (nil, true)
                }
            }
        }
        if let handle = outcome.handle, pthread_equal(handle, pthread_self()) == 0 {
            // run() has returned: this only waits for the thread's last
            // instructions (and its thread-local destructors).
            check(pthread_join(handle, nil), "pthread_join")
        }
        return outcome.joined
    }

    /// Called on the new thread.
    fileprivate func main() {
        ThreadRecord.current.thread = self
        mutex.withLock {
            kernelThreadID = cth_gettid()
            stateChanged.broadcast()
        }
        Self.setCurrentName(name)
        var failure: (any Error)?
        do {
            try run()
        } catch {
            failure = error
        }
        // Released here, before the thread counts as finished (a join that
        // returns sees it gone), and outside the lock: whatever the body
        // captured may have a deinit that reads this thread's state.
        let body = mutex.withLock { () -> (@Sendable () throws -> Void)? in
            defer { self.body = nil }
            return self.body
        }
        _ = consume body
        if let failure {
            mutex.withLock { thrown = failure }
            Self.uncaughtErrorHandler(self, failure)
        }
        ThreadRegistry.shared.remove(self)
        finish(as: .finished)
    }

    /// Called when a thread the package did not start exits.
    func foreignThreadExited() {
        guard case .foreign = origin else { return }
        ThreadRegistry.shared.remove(self)
        finish(as: .joined)  // not ours to pthread_join
    }

    private func finish(as ending: State) {
        mutex.withLock {
            guard case .running = state else {
                preconditionFailure("PosixThread '\(name)' finished without running")
            }
            state = ending
            stateChanged.broadcast()
        }
    }
}

/// The start routine handed to `pthread_create`: takes over the reference
/// retained by `start()`.
private func posixThreadEntry(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let thread = Unmanaged<PosixThread>.fromOpaque(context!).takeRetainedValue()
    thread.main()
    return nil
}
