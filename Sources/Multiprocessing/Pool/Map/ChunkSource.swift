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

extension ChunkPlanner {
    /// The next chunk read from `source`: full unless the input ends.
    mutating func nextChunk<Element>(from source: inout ChunkSource<Element>) -> ArraySlice<Element> {
        source.next(nextSize())
    }
}

/// Where the jobs of a map come from: an array, a slice at a time (no copy);
/// or any other sequence, read lazily, one element at a time.
///
/// Arrays, what `map` is given almost always, skip the element-by-element
/// iteration: a generic iterator costs about as much per job as encoding a
/// small job (perf, the parent of `pool-benchmark`).
struct ChunkSource<Element> {
    private var array: [Element] = []
    private var offset = 0
    /// The iterator of a sequence that is not an array.
    private var iterator: AnyIterator<Element>?

    init(_ elements: some Sequence<Element>) {
        if let array = elements as? [Element] {
            self.array = array
        } else {
            iterator = AnyIterator(elements.makeIterator())
        }
    }

    /// Up to `count` next elements: fewer only at the end of the input.
    mutating func next(_ count: Int) -> ArraySlice<Element> {
        guard iterator != nil else {
            let end = offset + min(count, array.count - offset)
            defer { offset = end }
            return array[offset..<end]
        }
        return ChunkPlanner.read(count, from: &iterator!)[...]
    }
}
