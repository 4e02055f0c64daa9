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

/// The chunks of a ``ProcessPool`` map submitted ahead of the output awaited,
/// in input order: the engine of `map` and `mapBlocking`, with and without
/// a chunk size.
///
/// ``nextFuture()`` tops the window up from the input (at most
/// ``ChunkPlanner/window`` chunks submitted and not yet handed out), then
/// hands out the oldest; so a huge or endless input is read lazily. Its
/// `drain` and `drainBlocking` are Threading's `MapWindow`'s, shared with the
/// ``ThreadPool`` map.
struct ProcessChunkWindow<J: Job>: MapWindow {
    private let pool: ProcessPool
    private let mangledTypeName: String
    private var source: ChunkSource<J>?
    private var planner: ChunkPlanner
    private var window = Deque<JobFuture<ChunkResult>>()

    /// - Throws: ``ProcessPoolError/jobEncodingFailed(typeName:description:)``
    ///   if `J` has no name a worker could look up.
    init(pool: ProcessPool, jobs: some Sequence<J>, chunkSize: Int?) throws {
        guard let mangled = MangledNames.of(J.self) else { throw ProcessPool.unnamed(J.self) }
        self.pool = pool
        self.mangledTypeName = mangled
        self.source = ChunkSource(jobs)
        self.planner = pool.chunkPlanner(knownCount: jobs.underestimatedCount, chunkSize: chunkSize)
    }

    /// The next chunk's future in input order, or `nil` after the last.
    ///
    /// - Throws: what submitting throws (``JobError/shutDown``, a broken
    ///   pool's error, a chunk that cannot be encoded).
    mutating func nextFuture() throws -> JobFuture<ChunkResult>? {
        while window.count < planner.window, source != nil {
            let chunk = planner.nextChunk(from: &source!)
            if chunk.count < planner.lastSize { source = nil }  // the input ended
            if chunk.isEmpty { break }
            let (task, future) = try ProcessPool.makeChunk(chunk, mangledTypeName: mangledTypeName)
            try pool.core.submit(task)
            window.append(future)
        }
        return window.popFirst()
    }

    /// Cancels every chunk not yet handed out, and reads no more input.
    mutating func cancelAll() {
        source = nil
        for future in window { future.cancel() }
        window.removeAll()
    }
}
