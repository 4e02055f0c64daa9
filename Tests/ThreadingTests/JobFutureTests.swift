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

import Testing

@testable import Threading

@Suite("JobFuture", .timeLimit(.minutes(1)))
struct JobFutureTests {
    @Test func completedFutureDeliversValueToEveryReader() async throws {
        let future = JobFuture<Int>()
        #expect(!future.isDone)
        #expect(future.markRunning())
        #expect(future.complete(with: .success(42)))
        #expect(future.isDone)
        #expect(try blockingWait(future) == 42)
        #expect(try await future.value == 42)
        #expect(!future.complete(with: .success(7)), "a future completes once")
    }

    @Test func cancellingQueuedJobPreventsItsStart() throws {
        let future = JobFuture<Int>()
        #expect(future.cancel())
        #expect(!future.markRunning())
        #expect(future.isCancelled)
        #expect(throws: JobError.cancelled) { try future.wait() }
    }

    @Test func cancellingRunningJobWithoutStopDoesNothing() throws {
        let future = JobFuture<Int>()
        #expect(future.markRunning())
        #expect(!future.cancel())
        future.complete(with: .success(1))
        #expect(try future.wait() == 1)
    }

    @Test func timedWaitThrowsAndCanBeRepeated() throws {
        let future = JobFuture<Int>()
        #expect(throws: JobError.waitTimedOut(.milliseconds(20))) {
            try future.wait(timeout: .milliseconds(20))
        }
        future.complete(with: .success(3))
        #expect(try future.wait(timeout: .milliseconds(20)) == 3)
    }

    @Test func cancellingTheAwaitingTaskCancelsAQueuedJob() async throws {
        let future = JobFuture<Int>()
        let task = Task { try await future.value }
        task.cancel()
        await #expect(throws: JobError.cancelled) { try await task.value }
        #expect(future.isCancelled)
    }
}

@Suite("JobFuture regressions", .timeLimit(.minutes(1)))
struct JobFutureRegressionTests {
    /// `cancel()` documents `true` when the future is (now) finished as
    /// cancelled, as Python's `Future.cancel()` returns `True` again.
    @Test func cancellingACancelledFutureReturnsTrue() {
        let future = JobFuture<Int>()
        #expect(future.cancel())
        #expect(future.cancel())
        #expect(future.isCancelled)
        let finished = JobFuture<Int>(finished: .success(1))
        #expect(!finished.cancel())
    }
}
