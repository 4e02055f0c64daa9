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
internal import Threading

/// The consumer-driven engine of ``ProcessPool/mapUnordered(_:)``: each
/// `next()` tops up a window of chunks from the input iterator, waits for
/// whichever chunk completes first, and yields its outputs one by one.
///
/// The iterator and the consumer-side fields are only touched by `next()`,
/// which the stream calls from its single consumer one call at a time: that
/// is why this class can be `@unchecked Sendable`.
final class ChunkedUnorderedMap<J: Job>: @unchecked Sendable {
    typealias Output = J.Output

    private let pool: ProcessPool
    private let mangledTypeName: String
    // Consumer-only:
    private var source: ChunkSource<J>?
    private var planner: ChunkPlanner
    private var nextIndex = 0
    private var ready = Deque<(index: Int, output: Output)>()
    private var failure: (any Error)?
    /// Chunks in flight, by the index of their first job.
    private let inFlight = CompletionQueue<ChunkResult>()

    init(pool: ProcessPool, mangledTypeName: String, source: ChunkSource<J>, planner: ChunkPlanner) {
        self.pool = pool
        self.mangledTypeName = mangledTypeName
        self.source = source
        self.planner = planner
    }

    deinit {
        inFlight.cancelAll()  // the stream was dropped: nobody wants the remaining outputs
    }

    func next() async throws -> (index: Int, output: Output)? {
        while true {
            if let output = ready.popFirst() { return output }
            if let failure {
                self.failure = nil
                source = nil
                inFlight.cancelAll()
                throw failure
            }
            do {
                try refill()
            } catch {
                self.failure = error
                continue
            }
            guard let completion = await inFlight.next() else { return nil }
            take(completion)
        }
    }

    /// Moves a chunk's outputs to `ready`, and its failure (or the chunk's own) to `failure`.
    private func take(_ completion: CompletionQueue<ChunkResult>.Completion) {
        do {
            let result = try completion.result.get()
            var outputs: [Output] = []
            do {
                try ProcessPool.decode(result, as: Output.self, appendingTo: &outputs)
            } catch {
                failure = error
            }
            for (offset, output) in outputs.enumerated() { ready.append((completion.index + offset, output)) }
        } catch {
            failure = error
        }
    }

    private func refill() throws {
        while source != nil, inFlight.count < planner.window {
            let chunk = planner.nextChunk(from: &source!)
            if chunk.count < planner.lastSize { source = nil }
            if chunk.isEmpty { break }
            let firstIndex = nextIndex
            nextIndex += chunk.count
            let (task, future) = try ProcessPool.makeChunk(chunk, mangledTypeName: mangledTypeName)
            inFlight.track(future, index: firstIndex)
            try pool.core.submit(task)
        }
    }
}
