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

import Synchronization

/// Runs a closure once, on a thread of its own, after a delay, unless
/// cancelled first: Python's `threading.Timer`.
///
/// ```swift
/// let reminder = ThreadTimer(after: .seconds(30)) { print("still working…") }
/// try reminder.start()
/// doTheWork()
/// reminder.cancel()          // in time: the message is never printed
/// ```
///
/// The delay is measured on the monotonic clock from ``start()``.
/// ``cancel()`` before the delay has passed (or before `start()`) means the
/// closure never runs; once it has started running, cancelling changes
/// nothing and is not an error. Like a ``PosixThread``, a timer is a daemon:
/// the process does not wait for it at exit.
public final class ThreadTimer: Sendable {
    /// The thread that waits, then runs the closure.
    public let thread: PosixThread
    private let countdown = Countdown()

    /// Creates a timer that runs `body` once `delay` has passed after ``start()``.
    ///
    /// - Parameters:
    ///   - delay: how long to wait on the monotonic clock; zero or negative runs at once.
    ///   - name: the waiting thread's name; `nil` gives `Timer-N`.
    ///   - body: what to run, on the timer's thread.
    public init(after delay: Duration, name: String? = nil, _ body: @escaping @Sendable () -> Void) {
        let countdown = countdown
        thread = PosixThread(name: name ?? "Timer-\(Self.counter.add(1, ordering: .relaxed).newValue)") {
            guard !countdown.cancelled.wait(timeout: delay), countdown.claim() else { return }
            body()
        }
    }

    /// Starts the countdown.
    ///
    /// - Throws: ``ThreadError/alreadyStarted(name:)`` on a second call,
    ///   ``ThreadError/creationFailed(name:errno:)`` if no thread could be made.
    public func start() throws(ThreadError) {
        try thread.start()
    }

    /// Stops the timer if its closure has not begun: it then never runs.
    ///
    /// - Returns: `true` if the closure will never run; `false` if it has
    ///   already begun (or finished), which is not an error.
    @discardableResult
    public func cancel() -> Bool {
        let stopped = countdown.claim()
        countdown.cancelled.set()
        return stopped
    }

    /// Blocks until the timer's thread has ended: the closure ran, or the
    /// timer was cancelled. Joining a timer never started traps.
    public func join() {
        thread.join()
    }

    /// Like ``join()``, giving up after `timeout`; `false` if the thread still runs.
    public func join(timeout: Duration) -> Bool {
        thread.join(timeout: timeout)
    }

    private static let counter = Atomic<Int>(0)
}

/// What a timer's thread and ``ThreadTimer/cancel()`` share.
private final class Countdown: Sendable {
    /// Set by `cancel()`: wakes the waiting thread early.
    let cancelled = Event()
    private let decided = Atomic<Bool>(false)

    /// Decides the race between firing and cancelling: `true` for the first caller only.
    func claim() -> Bool {
        decided.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
