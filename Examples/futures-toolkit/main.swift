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

// Python's concurrent.futures toolkit: as_completed, wait, add_done_callback,
// Executor.map with a buffer (mapStream), and a blocking map for plain code.
// `swift run futures-toolkit`
import Threading

/// Sums the integers below `n`, slowly enough that the jobs finish out of order.
struct SlowSum: Job {
    var n: Int
    func run() -> Int { (0..<n).reduce(0, &+) }
}

let pool = ThreadPool(threads: 2)

// as_completed: futures in the order they finish, from any executor.
let sizes = [3_000_000, 10, 1_000_000, 100]
let futures = try sizes.map { try pool.submit(SlowSum(n: $0)) }
var finishOrder: [Int] = []
for try await future in JobFutures.asCompleted(futures, timeout: .seconds(60)) {
    finishOrder.append(sizes[futures.firstIndex { $0 === future }!])
}
print("as completed, in the order they finished: \(finishOrder)")

// add_done_callback: runs once, at once if the future is already done.
let done = futures[1]
done.onComplete { result in print("callback on a finished future: \(try! result.get())") }

// wait(FIRST_COMPLETED), from a plain function: the blocking tools are for
// synchronous code, and the compiler keeps them out of async code.
func waitForTheFirst() throws {
    let slow = try pool.submit(SlowSum(n: 5_000_000))
    let quick = try pool.submit(SlowSum(n: 1))
    let (finished, pending) = JobFutures.wait([slow, quick], timeout: .seconds(60), until: .firstCompleted)
    print("wait(.firstCompleted): \(finished.count) done, \(pending.count) pending")
    // Python's pool.map in a script: mapBlocking.
    let sums = try pool.mapBlocking((1...5).map { SlowSum(n: $0) })
    print("mapBlocking: \(sums)")
}
try waitForTheFirst()

// mapStream: outputs in input order as soon as each is ready, over an endless
// input; at most `buffer` jobs run ahead of what is consumed.
var firstFive: [Int] = []
for try await sum in pool.mapStream((1...).lazy.map { SlowSum(n: $0 * 10) }, buffer: 4) {
    firstFive.append(sum)
    if firstFive.count == 5 { break }
}
print("mapStream over an endless input, first five: \(firstFive)")

await pool.shutdown()
