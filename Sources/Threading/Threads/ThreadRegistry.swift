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
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The threads alive now, in the order they started, for
/// ``PosixThread/all``: threads started by ``PosixThread/start()`` (from
/// `start` until `run` returns), the main thread, and the stand-ins for
/// threads the package did not start (until they exit).
final class ThreadRegistry: Sendable {
    static let shared = ThreadRegistry()

    private struct Entries {
        var nextSerial = 0
        var live: [ObjectIdentifier: (serial: Int, thread: PosixThread)] = [:]
    }

    private let entries = LockedState(Entries())

    /// Adds `thread` after every thread listed, or before all of them (the main thread).
    func add(_ thread: PosixThread, first: Bool = false) {
        entries.withLock { entries in
            entries.live[ObjectIdentifier(thread)] = (first ? Int.min : entries.nextSerial, thread)
            entries.nextSerial += 1
        }
    }

    func remove(_ thread: PosixThread) {
        // The entry's reference is released after the lock.
        let removed = entries.withLock { $0.live.removeValue(forKey: ObjectIdentifier(thread)) }
        _ = consume removed
    }

    /// The live threads, oldest first.
    var threads: [PosixThread] {
        entries.withLock { $0.live.values.sorted { $0.serial < $1.serial }.map(\.thread) }
    }

    var count: Int {
        entries.withLock { $0.live.count }
    }

    /// Registers, once, the `atexit` handler that joins every non-daemon
    /// thread before the process ends: evaluated when the first one starts.
    static let joinNonDaemonThreadsAtExit: Void = {
        atexit {
            // Threads may start others while being joined: until none is left.
            while true {
                let pending = ThreadRegistry.shared.threads.filter { thread in
                    guard case .started = thread.origin, !thread.isDaemon, thread.isAlive,
                        let ident = thread.ident
                    else { return false }
                    return pthread_equal(ident, pthread_self()) == 0
                }
                if pending.isEmpty { return }
                for thread in pending { thread.join() }
            }
        }
    }()
}

extension PosixThread {
    /// The thread calling this, Python's `threading.current_thread()`.
    ///
    /// Inside a ``PosixThread``'s ``run()``, that thread; on the main thread,
    /// ``PosixThread/main``. A thread the package did not start (a Dispatch
    /// or Swift concurrency thread, one made by C code) gets an object
    /// standing for it, named `Dummy-N` as Python's `_DummyThread`: the same
    /// object every time on that thread, listed in ``PosixThread/all`` until
    /// the thread exits, alive, a daemon, and not startable. In async code the
    /// answer is the thread the task runs on at that moment, which may change
    /// at each `await`.
    public static var current: PosixThread {
        let record = ThreadRecord.current
        if let thread = record.thread { return thread }
        let thread: PosixThread
        if pthread_equal(pthread_self(), cth_main_thread()) != 0 {
            thread = main
        } else {
            thread = PosixThread(
                standingFor: .foreign, handle: pthread_self(), kernelThreadID: cth_gettid(),
                name: "Dummy-\(dummyCounter.add(1, ordering: .relaxed).newValue)")
            ThreadRegistry.shared.add(thread)
        }
        record.thread = thread
        return thread
    }

    /// The process's main thread, named `MainThread`, Python's `main_thread()`.
    /// Its ``nativeID`` is the process id.
    public static let main: PosixThread = {
        let thread = PosixThread(
            standingFor: .main, handle: cth_main_thread(), kernelThreadID: getpid(),
            name: "MainThread")
        ThreadRegistry.shared.add(thread, first: true)
        return thread
    }()

    /// Every thread alive now, oldest first, Python's `threading.enumerate()`:
    /// the main thread, the threads started by ``start()`` whose ``run()`` has
    /// not returned, and the stand-ins ``current`` made for other threads
    /// that have not exited. Threads started by other code that never asked
    /// for ``current`` are not listed.
    public static var all: [PosixThread] {
        _ = main
        return ThreadRegistry.shared.threads
    }

    /// How many threads ``all`` lists, Python's `threading.active_count()`.
    public static var activeCount: Int {
        _ = main
        return ThreadRegistry.shared.count
    }

    private static let dummyCounter = Atomic<Int>(0)
}
