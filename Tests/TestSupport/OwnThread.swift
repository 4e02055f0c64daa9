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

package import Testing
import Threading

/// Runs each test of a suite on a thread of its own instead of one of Swift's
/// cooperative threads.
///
/// Swift Testing runs every test, synchronous ones included, on the
/// cooperative pool, which has one thread per CPU (two on the VMs CI uses).
/// A suite of long synchronous tests (64 MiB messages, thousands of shared
/// segments) holds both threads for tens of seconds, and meanwhile async tests
/// elsewhere — whose tasks need those threads to make progress — run out of
/// their own time bounds. With this trait the blocking work happens on a
/// dedicated thread and the cooperative pool stays free.
///
/// With `oneAtATime`, the test also waits (on its own thread) until no other
/// such test runs: for tests that move gigabytes or fork by the thousand,
/// which would otherwise all run at once.
/// A test's time limit counts that wait too: the suites that use it allow
/// minutes, for the heavy tests queued ahead of theirs.
///
/// Only for tests that do not start child tasks (`async let`, task groups):
/// those inherit the preference and would share the one thread.
package struct RunsOnItsOwnThread: TestTrait, SuiteTrait, TestScoping {
    package var oneAtATime = false
    package var isRecursive: Bool { true }

    /// Held by the test running `oneAtATime`.
    private static let heavyTest = Lock()

    package func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }
        let executor = OwnThreadExecutor()
        defer { executor.stop() }
        try await withTaskExecutorPreference(executor) { [oneAtATime] in
            // Runs on the executor's thread: blocking here blocks no task.
            if oneAtATime { Self.heavyTest.lock() }
            defer { if oneAtATime { Self.heavyTest.unlock() } }
            try await function()
        }
    }
}

extension Trait where Self == RunsOnItsOwnThread {
    /// Each test runs on a thread of its own: see ``RunsOnItsOwnThread``.
    package static var onItsOwnThread: Self { RunsOnItsOwnThread() }

    /// Each test runs on a thread of its own, and never beside another test
    /// with this trait: see ``RunsOnItsOwnThread``.
    package static var onItsOwnThreadOneAtATime: Self { RunsOnItsOwnThread(oneAtATime: true) }
}

/// A task executor that runs its jobs on one thread of its own, in order.
private final class OwnThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let jobs = Queue<UnownedJob>()
    private var thread: PosixThread?

    init() {
        // The thread keeps the executor alive until its loop ends (a
        // PosixThread drops its body when the body returns).
        let thread = PosixThread(name: "test body") { [jobs, self] in
            let executor = self.asUnownedTaskExecutor()
            while let job = try? jobs.get() {
                job.runSynchronously(on: executor)
            }
        }
        self.thread = thread
        try! thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if (try? jobs.put(job)) == nil {
            // Stopped: a straggler runs on the global executor instead.
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }

    /// Lets the thread finish the jobs queued so far, then end.
    func stop() {
        jobs.shutdown()
    }
}
