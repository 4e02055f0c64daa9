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
    // Guarded by `mutex`:
    private var flag = false
    /// Counts the calls of ``set()``, so that a waiter woken by one returns
    /// `true` even if ``clear()`` lowered the flag before it ran again
    /// (Python's semantics, CPython issue #13502).
    private var generation: UInt64 = 0
    private var waiters = 0

    /// Creates an event whose flag is down.
    public init() {}

    /// Whether the flag is up now.
    public var isSet: Bool { mutex.withLock { flag } }

    /// Raises the flag and wakes every waiting thread. Setting a set event is not an error.
    public func set() {
        mutex.withLock {
            flag = true
            generation &+= 1
            changed.broadcast()
        }
    }

    /// Lowers the flag; later ``wait()`` calls block until the next ``set()``.
    public func clear() {
        mutex.withLock { flag = false }
    }

    /// Blocks until the flag is up; returns at once if it already is.
    ///
    /// A ``set()`` while the thread waits releases it, even if ``clear()``
    /// follows at once.
    public func wait() {
        _ = wait(until: .distantFuture)
    }

    /// Blocks until the flag is up or `timeout` has passed.
    ///
    /// - Returns: `true` if the flag was up or a ``set()`` came while waiting
    ///   (even if a ``clear()`` followed); `false` means the timeout passed
    ///   (not an error).
    @discardableResult
    public func wait(timeout: Duration) -> Bool {
        wait(until: .after(timeout))
    }

    /// How many threads are blocked in a wait now (for tests).
    var waitingCount: Int { mutex.withLock { waiters } }

    private func wait(until deadline: Deadline) -> Bool {
        mutex.withLock {
            if flag { return true }
            let start = generation
            waiters += 1
            defer { waiters -= 1 }
            while generation == start {
                if !changed.wait(on: mutex, until: deadline) { return generation != start }
            }
            return true
        }
    }
}
