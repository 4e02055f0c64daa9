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

import DequeModule

/// Jobs submitted ahead of the output awaited, in input order: the engine of
/// the default ``JobExecutor/map(_:)``,
/// ``JobExecutor/mapBlocking(_:)`` and ``JobExecutor/mapStream(_:buffer:isolation:)``.
///
/// ``nextFuture()`` tops the window up to `size` jobs from the input, then
/// hands out the oldest: so at most `size` jobs are ever submitted and not
/// yet consumed, and a huge or endless input is read lazily.
struct OrderedWindow<Executor: JobExecutor, J: Job>: MapWindow {
    private let executor: Executor
    private var iterator: AnyIterator<J>?
    private let size: Int
    private var window = Deque<JobFuture<J.Output>>()

    init(executor: Executor, jobs: some Sequence<J>, size: Int) {
        precondition(size >= 1, "a map window holds at least one job, got \(size)")
        self.executor = executor
        self.iterator = AnyIterator(jobs.makeIterator())
        self.size = size
    }

    /// The future of the next job in input order, or `nil` after the last.
    ///
    /// - Throws: what `submit` throws (``JobError/shutDown``).
    mutating func nextFuture() throws -> JobFuture<J.Output>? {
        while window.count < size, let job = iterator?.next() {
            window.append(try executor.submit(job))
        }
        if window.count < size { iterator = nil }  // the input ended
        return window.popFirst()
    }

    /// Cancels every job submitted and not yet handed out, and reads no more input.
    mutating func cancelAll() {
        iterator = nil
        for future in window { future.cancel() }
        window.removeAll()
    }
}
