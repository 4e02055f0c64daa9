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

/// Futures in flight, handed back in the order they complete: the engine of
/// every `mapUnordered`.
///
/// ``track(_:index:)`` registers a future under its position in the input;
/// ``next()`` suspends (without blocking a thread) until one of them has
/// finished and returns it. Completions arrive on whichever thread finishes
/// the future, so the state is locked; `next()` itself has a single caller at
/// a time (the stream's consumer).
package final class CompletionQueue<Value: Sendable>: @unchecked Sendable {
    package typealias Completion = (index: Int, result: Result<Value, any Error>)

    private struct State {
        var inFlight: [Int: JobFuture<Value>] = [:]
        var completed = Deque<Completion>()
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = LockedState(State())

    package init() {}

    /// Futures tracked and not yet returned by ``next()``.
    package var count: Int {
        state.withLock { $0.inFlight.count + $0.completed.count }
    }

    /// Tracks `future`, which ``next()`` returns with `index` once it finishes.
    package func track(_ future: JobFuture<Value>, index: Int) {
        state.withLock { $0.inFlight[index] = future }
        future.whenComplete { [weak self] result in
            self?.completed(index, result)
        }
    }

    /// The next finished future, or `nil` when nothing is in flight.
    /// Cancelling the calling task cancels every tracked future.
    package func next() async -> Completion? {
        while true {
            let (completion, isIdle): (Completion?, Bool) = state.withLock { state in
                (state.completed.popFirst(), state.inFlight.isEmpty)
            }
            if let completion { return completion }
            if isIdle { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state in
                        if !state.completed.isEmpty || state.inFlight.isEmpty { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                cancelAll()
            }
        }
    }

    /// Cancels every future still in flight.
    package func cancelAll() {
        let futures = state.withLock { Array($0.inFlight.values) }
        for future in futures { future.cancel() }
    }

    private func completed(_ index: Int, _ result: Result<Value, any Error>) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard state.inFlight.removeValue(forKey: index) != nil else { return nil }
            state.completed.append((index, result))
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
