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

// What this teaches: running Codable jobs in worker processes with ProcessPool —
// `map` in input order, `mapUnordered` in completion order, one-off `run` and
// `submit`, and jobs of different types through one pool. Python's
// `multiprocessing.Pool.map` / `ProcessPoolExecutor`.
//
// Run: swift run process-pool-map
//
// The workers are fresh copies of this very executable: nothing to register,
// no change to main. Each worker finds a job's type by its name.
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// Counts the primes below `limit`: CPU-bound work worth another process.
struct CountPrimes: Job {
    var limit: Int
    func run() -> Int {
        guard limit > 2 else { return 0 }
        var sieve = [Bool](repeating: true, count: limit)
        sieve[0] = false
        sieve[1] = false
        var p = 2
        while p * p < limit {
            if sieve[p] { for multiple in stride(from: p * p, to: limit, by: p) { sieve[multiple] = false } }
            p += 1
        }
        return sieve.count { $0 }
    }
}

/// A job of another type in the same pool: which process ran it.
struct WhoAmI: Job {
    func run() -> String { "worker pid \(getpid())" }
}

let pool = try ProcessPool()  // one worker per CPU this process may use
print("pool of \(pool.workerCount) workers: \(pool.workerPIDs), parent \(getpid())")

// 1. map: outputs in input order; the input is sent in chunks and read lazily.
let limits = [10, 100, 1_000, 10_000, 100_000, 1_000_000]
let counts = try await pool.map(limits.map { CountPrimes(limit: $0) })
for (limit, count) in zip(limits, counts) { print("primes below \(limit): \(count)") }

// 2. mapUnordered: each output as soon as it is ready, with its input position.
for try await (index, count) in pool.mapUnordered(limits.reversed().map { CountPrimes(limit: $0) }) {
    print("finished #\(index): \(count)")
}

// 3. run one job, or submit and collect the future later; types can differ.
print(try await pool.run(WhoAmI()))
let future = try pool.submit(CountPrimes(limit: 50))
print("primes below 50: \(try await future.value)")

// 4. shutdown finishes queued work, then stops and reaps the workers.
await pool.shutdown()
print("done; workers left: \(pool.workerPIDs.count)")
