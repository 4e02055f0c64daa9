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
internal import MultiprocessingPlatform

/// Watches a set of futures and hands out the positions of those that
/// finish, in the order they finish, to a thread that blocks for them: the
/// engine of the blocking ``JobFutures/wait(_:timeout:until:)`` and
/// ``JobFutures/asCompletedSequence(_:timeout:)``.
///
/// Futures already finished are handed out first, in input order. ``stop()``
/// (also run at `deinit` of the owner) unregisters it from the futures still
/// pending, so a watch given up on leaves nothing behind in them.
final class CompletionWatch<Value: Sendable>: JobFutureObserver, @unchecked Sendable {
    let futures: [JobFuture<Value>]
    private let mutex = PThreadMutex()
    private let arrived = PThreadCondition()
    private var finished = Deque<Int>()  // guarded by `mutex`

    /// Watches `futures`, each counted once however often it appears.
    init(_ futures: [JobFuture<Value>]) {
        self.futures = futures.uniqued()
        for (index, future) in self.futures.enumerated() { future.observe(self, index: index) }
    }

    func futureFinished(_ index: Int) {
        mutex.withLock {
            finished.append(index)
            arrived.signal()
        }
    }

    /// The position of the next future to finish, or `nil` if none finished before `deadline`.
    func next(until deadline: Deadline) -> Int? {
        mutex.withLock {
            while finished.isEmpty {
                if !arrived.wait(on: mutex, until: deadline) { break }
            }
            return finished.popFirst()
        }
    }

    func stop() {
        for future in futures { future.stopObserving(self) }
    }
}

extension Array where Element: AnyObject {
    /// The elements in order, each object only at its first position.
    func uniqued() -> [Element] {
        var seen = Set<ObjectIdentifier>()
        return filter { seen.insert(ObjectIdentifier($0)).inserted }
    }
}

/// Yields the futures of a stream as they finish: the engine of the async
/// ``JobFutures/asCompleted(_:timeout:)``.
final class StreamingCompletionWatch<Value: Sendable>: JobFutureObserver, @unchecked Sendable {
    typealias Stream = AsyncThrowingStream<JobFuture<Value>, any Error>

    private let futures: [JobFuture<Value>]
    private let continuation: Stream.Continuation
    private let yielded = LockedState(0)

    init(_ futures: [JobFuture<Value>], continuation: Stream.Continuation) {
        self.futures = futures.uniqued()
        self.continuation = continuation
    }

    /// Starts watching; call once the stream's termination handler is set.
    func start() {
        if futures.isEmpty { continuation.finish() }
        for (index, future) in futures.enumerated() { future.observe(self, index: index) }
    }

    func futureFinished(_ index: Int) {
        let isLast = yielded.withLock { count in
            count += 1
            return count == futures.count
        }
        continuation.yield(futures[index])
        if isLast { continuation.finish() }
    }

    func stop() {
        for future in futures { future.stopObserving(self) }
    }
}
