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

// A ThreadPool running jobs: submit, ordered map, mapUnordered in completion
// order, and errors reaching the caller. `swift run threadpool-map`
//
// The same `Job` values run on a `ProcessPool` (import Multiprocessing) or
// on an `InlineExecutor` for debugging: switching pools is one line.
import Threading

struct CountPrimes: Job {
    var below: Int
    func run() -> Int {
        (2..<max(below, 2)).filter { n in
            var d = 2
            while d * d <= n {
                if n % d == 0 { return false }
                d += 1
            }
            return true
        }.count
    }
}

struct Fails: Job {
    struct Failure: Error, Codable { var reason: String }
    func run() throws -> Int { throw Failure(reason: "this job always fails") }
}

let pool: any JobExecutor = ThreadPool()  // or InlineExecutor(), or ProcessPool()
print("ThreadPool with \(ThreadPool.defaultThreadCount) threads (the CPUs this process may use)")

// One job, as a future.
let future = try pool.submit(CountPrimes(below: 10_000))
print("primes below 10000: \(try await future.value)")

// Ordered map: outputs in input order.
let limits = [40_000, 10, 20_000, 100, 30_000]
let counts = try await pool.map(limits.map { CountPrimes(below: $0) })
print("map, input order: \(zip(limits, counts).map { "\($0)→\($1)" }.joined(separator: ", "))")

// mapUnordered: each output as soon as it is ready, with its input index.
var completion: [Int] = []
for try await (index, _) in pool.mapUnordered(limits.map { CountPrimes(below: $0) }) {
    completion.append(limits[index])
}
print("mapUnordered, completion order: \(completion)")

// A job's error reaches whoever awaits it.
do {
    _ = try await pool.run(Fails())
} catch {
    print("error from the job: \(error)")
}

// Plain closures too (they need not be Codable: they never leave the process).
let threads = ThreadPool(threads: 2)
let name = try await threads.run { PosixThread.currentSystemName }
print("a closure ran on thread '\(name)'")

await threads.shutdown()
await pool.shutdown()  // finishes queued work, then the threads exit
do {
    _ = try pool.submit(CountPrimes(below: 10))
} catch {
    print("submit after shutdown: \(error)")
}
