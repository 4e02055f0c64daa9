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

internal import Threading

#if canImport(Glibc)
    package import Glibc
#endif

/// A raw pthread for tests that need a second thread (a concurrent reader, a
/// thread to interrupt with signals), independent of the Threading module.
package final class TestThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: @Sendable () -> Void
    private let unblockedSignal: Int32?
    private let started = Event()
    private let kernelID = Box<pid_t>(0)

    /// Starts `body` on a new thread. The test runner's threads block most
    /// signals (and a new thread inherits its creator's mask), so a thread
    /// meant to be interrupted unblocks `unblocking` first.
    package init(unblocking signal: Int32? = nil, _ body: @escaping @Sendable () -> Void) {
        self.body = body
        self.unblockedSignal = signal
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(
            &thread, nil,
            { context in
                let me = Unmanaged<TestThread>.fromOpaque(context!).takeRetainedValue()
                me.kernelID.value = currentThreadID()
                me.started.set()
                if let signal = me.unblockedSignal {
                    var set = sigset_t()
                    sigemptyset(&set)
                    sigaddset(&set, signal)
                    precondition(pthread_sigmask(SIG_UNBLOCK, &set, nil) == 0)
                }
                me.body()
                return nil
            }, context)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    package var handle: pthread_t { thread }

    /// The thread's kernel id (what /proc/self/task/ lists), once it runs.
    package var threadID: pid_t {
        started.wait()
        return kernelID.value
    }

    /// Waits (bounded) until the thread sleeps in the kernel: blocked in
    /// `recv`, `send`, `poll`... See ``waitUntilBlocked(thread:within:)``.
    package func waitUntilBlocked(within timeout: Duration = .seconds(10)) -> Bool {
        MultiprocessingTestSupport.waitUntilBlocked(thread: threadID, within: timeout)
    }

    package func join() {
        precondition(pthread_join(thread, nil) == 0)
    }
}

/// A value set by one thread and read by another (a pthread mutex inside, so
/// ThreadSanitizer sees the hand-off).
package final class Box<Value>: @unchecked Sendable {
    private let lock = PThreadMutex()
    private var stored: Value

    package init(_ value: Value) { stored = value }

    package var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    /// Changes the value in place, atomically; returns what `body` returns.
    @discardableResult
    package func update<R>(_ body: (inout Value) -> R) -> R {
        lock.withLock { body(&stored) }
    }
}
