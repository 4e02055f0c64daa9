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

/// How many jobs go into each chunk of a pool's `map`, and how many chunks
/// may be in flight: sized like Python's `Pool.map`.
///
/// - An input of known length (`underestimatedCount`) is cut into about four
///   chunks per worker, of at most ``largestKnownChunk`` jobs.
/// - An input of unknown length starts with chunks of one job and doubles
///   them up to ``largestGrowingChunk``.
/// - A chunk size given by the caller is used as it is.
///
/// At most ``window`` chunks (four per worker) are in flight ahead of the
/// output awaited, so a huge or endless input is read lazily.
package struct ChunkPlanner {
    package static let largestKnownChunk = 4096
    package static let largestGrowingChunk = 256

    /// How many chunks may be submitted and not yet consumed.
    package let window: Int
    private let fixedSize: Int?
    /// The size asked for by the last ``nextSize()``: a shorter chunk
    /// means the input ended.
    package private(set) var lastSize = 0
    private var growingSize = 1

    /// - Parameters:
    ///   - workers: the pool's threads or processes.
    ///   - knownCount: the input's `underestimatedCount` (0: unknown).
    ///   - chunkSize: a size chosen by the caller (at least 1), or `nil`.
    package init(workers: Int, knownCount: Int, chunkSize: Int? = nil) {
        precondition(chunkSize.map { $0 >= 1 } ?? true, "a chunk holds at least one job, got \(chunkSize ?? 0)")
        window = Swift.max(workers, 1) * 4
        if let chunkSize {
            fixedSize = chunkSize
        } else if knownCount > 0 {
            let perChunk = (knownCount + window - 1) / window
            fixedSize = Swift.min(Swift.max(perChunk, 1), Self.largestKnownChunk)
        } else {
            fixedSize = nil
        }
    }

    /// The next chunk read from `iterator`: full unless the input ends.
    package mutating func nextChunk<I: IteratorProtocol>(from iterator: inout I) -> [I.Element] {
        Self.read(nextSize(), from: &iterator)
    }

    /// The size of the next chunk (for a source that reads its own chunks).
    package mutating func nextSize() -> Int {
        let size: Int
        if let fixedSize {
            size = fixedSize
        } else {
            size = growingSize
            growingSize = Swift.min(growingSize * 2, Self.largestGrowingChunk)
        }
        lastSize = size
        return size
    }

    /// Up to `count` elements read from `iterator`: fewer only at its end.
    package static func read<I: IteratorProtocol>(_ count: Int, from iterator: inout I) -> [I.Element] {
        var chunk: [I.Element] = []
        chunk.reserveCapacity(count)
        while chunk.count < count, let element = iterator.next() { chunk.append(element) }
        return chunk
    }
}
