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

internal import MultiprocessingPlatform
import Synchronization
public import SystemPackage
internal import Threading

#if canImport(Glibc)
    public import Glibc
#endif

/// A child process running a closure: Python's `multiprocessing.Process`
/// with the fork start method.
///
/// ```swift
/// let child = try ChildProcess.fork(name: "worker") {
///     print("hello from", getpid())
///     return 0                      // the child's exit code
/// }
/// let status = try child.join()     // .exited(0)
/// ```
///
/// The closure runs in a copy of the calling process made by `fork(2)`. Its
/// return value is the child's exit code; an error it throws is printed to
/// standard error and becomes exit code 1. Either way the child flushes
/// standard output and error and ends with `_exit(2)`: it never returns into the parent's
/// code, and never runs the parent's `atexit` handlers or destructors twice.
///
/// The parent holds a pidfd for the child, so ``join(timeout:)`` waits with
/// `poll(2)` rather than a sleep loop and ``terminate()`` / ``kill()`` can
/// never signal an unrelated process that reused the pid. Every child is
/// reaped: by ``join()``, by ``isAlive`` once it has exited, or, when a
/// `ChildProcess` is dropped while its child still runs, by a background
/// reaper as soon as the child exits.
///
/// ## Safety
/// After `fork()` only the calling thread exists in the child, while every
/// lock other threads held at that instant stays locked forever: after the
/// parent used Dispatch, a child that uses `DispatchQueue` or `async` code
/// hangs; a child that takes a lock another thread of the parent held
/// crashes or hangs; a `Synchronization.Mutex` that threads started *in the
/// child* contend for traps (the standard library caches the thread id, and
/// the child's thread keeps the parent's). Plain synchronous work
/// (computation, `JSONEncoder`, `print`, file and socket I/O, this package's
/// `Connection`) works. <doc:ChildProcesses> has the figures measured.
///
/// So keep the closure synchronous and self-contained: no Dispatch, no
/// `async`, no locks that other threads of the parent may hold. Forking
/// early in `main`, before any thread starts, is always safe. To run work in
/// a process from a multi-threaded program, use `ProcessPool`, whose default
/// start method spawns a fresh process instead of forking.
///
/// ## Standard streams and signals
/// Forks are serialized, standard output and error are flushed before each
/// (so buffered text is never printed twice), and no stream's lock is held
/// across it (so a thread flushing every stream, or calling `exit`, never
/// deadlocks against it). The child starts with those two buffers empty and
/// may print; on exit it flushes those two streams only, since other `FILE`s
/// may hold the half-done state of threads that do not exist there. The
/// child starts with no signal blocked, whatever the forking thread had
/// blocked; its signal handlers are the parent's.
public final class ChildProcess: Sendable {
    private enum State {
        case running
        case reaped(ExitStatus)
    }

    /// The child's process ID.
    public let pid: Glibc.pid_t
    /// The child's name; in the child it is also the OS thread name (shown by
    /// `ps -o comm` and `top`, truncated there to 15 bytes).
    public let name: String

    private let descriptor: PIDDescriptor
    /// The pidfd, readable once the child has ended; open as long as this object lives.
    var exitDescriptor: Int32 { descriptor.rawValue }
    private let state = LockedState(State.running)

    private static let counter = Atomic<Int>(0)

    /// A child this process has just started (forked or spawned), from now on
    /// among ``activeChildren``.
    init(pid: pid_t, name: String, descriptor: PIDDescriptor) {
        self.pid = pid
        self.name = name
        self.descriptor = descriptor
        ChildRegistry.register(self)
    }

    deinit {
        ChildRegistry.unregister(self)
        if case .running = state.withLock({ $0 }), (try? reapIfExited()) == nil {
            OrphanReaper.shared.adopt(descriptor)
        } else {
            descriptor.close()
        }
    }

    // MARK: Starting

    /// Forks the calling process and runs `body` in the child.
    ///
    /// Read the Safety section of ``ChildProcess`` first. The child's exit
    /// code is `body`'s return value modulo 256; a thrown error is printed
    /// to standard error and gives exit code 1.
    ///
    /// - Parameters:
    ///   - name: The child's name; `ChildProcess-N` if `nil`.
    ///   - diesWithParent: Python's `daemon`: the child is killed (`SIGKILL`)
    ///     when this process ends, however it ends (even by `SIGKILL`). The
    ///     kernel does it (`PR_SET_PDEATHSIG`), armed in the child before
    ///     `body` runs; a parent that died before that makes the child exit
    ///     at once with code 70. The child is forked by a thread that lives
    ///     as long as the process, since the kernel ties the signal to the
    ///     thread that forked. `false` (the default): the child outlives this
    ///     process if it runs longer.
    ///   - body: The code to run in the child.
    /// - Throws: `Errno` if `fork` fails (for instance `.resourceTemporarilyUnavailable`
    ///   when the process limit is reached) or the kernel lacks pidfds; no
    ///   child is left behind. What `body` throws is not an error of `fork`:
    ///   it ends the child with exit code 1.
    ///
    /// The corresponding C functions are `fork` and `prctl(PR_SET_PDEATHSIG)`.
    public static func fork(
        name: String? = nil, diesWithParent: Bool = false, _ body: @escaping () throws -> Int32
    ) throws(Errno) -> ChildProcess {
        let name = name ?? nextName()
        let systemName = PosixThread.systemName(name)  // no string work in the child
        let parent = getpid()
        let start = { () throws(Errno) -> pid_t in
            let pid = try forkProcess()
            if pid == 0 {
                if diesWithParent { ParentDeathLauncher.armInChild(parent: parent) }
                runInChild(name: name, systemName: systemName, body)
            }
            return pid
        }
        let pid = diesWithParent ? try ParentDeathLauncher.shared.perform(start) : try start()
        return ChildProcess(pid: pid, name: name, descriptor: try PIDDescriptor.adoptChild(pid))
    }

    /// `ChildProcess-N`, the default name of a child.
    static func nextName() -> String {
        "ChildProcess-\(counter.add(1, ordering: .relaxed).newValue)"
    }

    // MARK: Processes

    /// The children started by ``fork(name:diesWithParent:_:)`` and
    /// ``spawn(_:name:diesWithParent:)`` that are still running and whose
    /// objects still exist, in no particular order: Python's
    /// `multiprocessing.active_children()`. As in Python, children that have
    /// ended are reaped on the way. Pool workers are not listed.
    public static var activeChildren: [ChildProcess] {
        ChildRegistry.children.filter(\.isAlive)
    }

    /// This process's ID. The corresponding C function is `getpid`.
    public static var currentPID: pid_t { getpid() }

    /// The parent process's ID: 1 (or a subreaper's) once the parent has
    /// died. The corresponding C function is `getppid`.
    public static var parentPID: pid_t { getppid() }

    private static func runInChild(name: String, systemName: [CChar], _ body: () throws -> Int32) -> Never {
        PosixThread.setCurrentName(systemName)
        let code: Int32
        do {
            code = try body()
        } catch {
            let message = "\(name) (pid \(getpid())): uncaught error: \(error)\n"
            _ = try? FileDescriptor.standardError.writeAll(message.utf8)
            code = 1
        }
        flushStandardStreams()
        _exit(code)
    }

    // MARK: Waiting

    /// Whether the child is still running. Reaps it if it has exited.
    public var isAlive: Bool {
        (try? reapIfExited()) == nil
    }

    /// How the child ended, or `nil` while it runs (or has not been reaped yet).
    public var exitStatus: ExitStatus? {
        if case .reaped(let status) = state.withLock({ $0 }) { return status }
        return nil
    }

    /// Blocks until the child ends and returns how it ended.
    ///
    /// Joining a child that has already been joined is not an error: it
    /// returns the same status again. Several threads may join at once.
    ///
    /// - Throws: `Errno.noChildProcess` if the status cannot be collected
    ///   because something else reaped the child (for instance `SIGCHLD` set
    ///   to `SIG_IGN`, or a `waitpid(-1, …)` elsewhere in the program).
    ///
    /// The corresponding C functions are `poll` on the child's pidfd and `waitid`.
    public func join() throws(Errno) -> ExitStatus {
        try join(until: .distantFuture)!
    }

    /// Blocks until the child ends or `timeout` passes.
    ///
    /// A child still running at the time-out is not an error: the result is
    /// `nil` and the child goes on. The wait uses the monotonic clock and is
    /// not cut short by signals.
    ///
    /// - Returns: How the child ended, or `nil` if it is still running.
    /// - Throws: `Errno.noChildProcess` as for ``join()``.
    public func join(timeout: Duration) throws(Errno) -> ExitStatus? {
        try join(until: .after(timeout))
    }

    private func join(until deadline: Deadline) throws(Errno) -> ExitStatus? {
        while true {
            if let status = try reapIfExited() { return status }
            guard try descriptor.waitForExit(until: deadline) else {
                return try reapIfExited()
            }
        }
    }

    /// Reaps the child without blocking if it has exited; serialized so the
    /// child is reaped exactly once and its status remembered.
    private func reapIfExited() throws(Errno) -> ExitStatus? {
        try state.withLock { (state) throws(Errno) -> ExitStatus? in
            switch state {
            case .reaped(let status):
                return status
            case .running:
                guard let status = try descriptor.reap(blocking: false).map(ExitStatus.init(waitStatus:)) else {
                    return nil
                }
                state = .reaped(status)
                return status
            }
        }
    }

    // MARK: Signalling

    /// Asks the child to stop by sending `SIGTERM`, which it may handle or ignore.
    ///
    /// Signalling a child that has already ended is not an error: nothing happens.
    ///
    /// The corresponding C function is `pidfd_send_signal`.
    public func terminate() {
        send(.terminate)
    }

    /// Stops the child at once by sending `SIGKILL`, which it cannot handle.
    ///
    /// Signalling a child that has already ended is not an error: nothing happens.
    ///
    /// The corresponding C function is `pidfd_send_signal`.
    public func kill() {
        send(.kill)
    }

    /// Sends `signal` to the child.
    ///
    /// None of these is an error; nothing is sent, and the child runs on:
    /// - the child has already ended or been reaped;
    /// - the system knows no signal of that number (`EINVAL`), such as
    ///   `Signal(rawValue: 99)`;
    /// - the child may no longer be signalled by this process (`EPERM`: it
    ///   ran a set-user-ID program).
    ///
    /// The corresponding C function is `pidfd_send_signal`.
    public func send(_ signal: Signal) {
        state.withLock { state in
            guard case .running = state else { return }
            do {
                try descriptor.send(signal.rawValue)
            } catch .invalidArgument, .notPermitted {
                return
            } catch {
                preconditionFailure("pidfd_send_signal(\(signal)) failed: \(error)")  // EBADF: our descriptor is wrong
            }
        }
    }

    /// Sends the signal numbered `signal`; see ``send(_:)``.
    @available(*, deprecated, renamed: "send(_:)", message: "pass a Signal: send(.interrupt)")
    public func send(signal: Int32) {
        send(Signal(rawValue: signal))
    }
}
