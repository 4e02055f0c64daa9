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

// What this teaches: a SharedValue counter that several processes add to
// without a lock (one atomic instruction per add; Python's mp.Value takes a
// lock every time), a SharedArray of results that each worker fills in its
// own slot, and withLock for an update of several fields at once.
//
// The workers are ProcessPool workers; the shared objects are stored
// properties of their jobs and travel with their descriptors. A map of many
// jobs that hold the same counter sends its descriptor once per chunk.
//
// Run: swift run shared-counter
import Multiprocessing

struct Stats: Sendable {
    var count = 0
    var largest = 0
}

/// Sums `number * number % 7` over every fourth number from `index`,
/// counting each number in `processed`; fills its slot of `results` and
/// updates `stats`.
struct SumSlice: Job {
    var index: Int
    var processed: SharedValue<Int>
    var results: SharedArray<Int>
    var stats: SharedValue<Stats>

    func run() throws -> Int {
        var sum = 0
        for number in stride(from: index, to: 10_000, by: 4) {
            sum += number * number % 7
            processed.add(1)
        }
        results[index] = sum
        try stats.withLock { stats in
            stats.count += 1
            stats.largest = max(stats.largest, sum)
        }
        return sum
    }
}

/// Counts one item in a counter that every job of a map shares.
struct CountOne: Job {
    var counter: SharedValue<Int>
    func run() -> Int { counter.add(1) }
}

let processed = try SharedValue(0)  // lock-free adds
let results = try SharedArray(repeating: 0, count: 4)  // one slot per worker
let stats = try SharedValue(Stats())  // compound updates under its lock

let pool = try ProcessPool(workers: 4)
let sums = try await pool.map((0..<4).map { SumSlice(index: $0, processed: processed, results: results, stats: stats) })

let counted = try SharedValue(0)
_ = try await pool.map((0..<10_000).map { _ in CountOne(counter: counted) })
await pool.shutdown()

print("numbers processed: \(processed.load())")
print("sum per worker:    \(results.toArray())")
print("workers finished:  \(stats.load().count), largest sum \(stats.load().largest)")
print("items counted by 10000 small jobs: \(counted.load())")
precondition(processed.load() == 10_000 && results.toArray() == sums && counted.load() == 10_000)
