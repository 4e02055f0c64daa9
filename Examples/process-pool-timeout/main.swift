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

// What this teaches: a per-job time limit. A job running past `jobTimeout`
// fails with JobError.timedOut and its worker is killed and replaced; jobs
// queued behind it run normally. Cancelling a running job (or the task that
// awaits it) stops it the same way. Neither is possible with Python's pools.
//
// Run: swift run process-pool-timeout
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// Sleeps, standing in for work of that duration (a hung call, a slow query).
struct Work: Job {
    var milliseconds: Int
    func run() -> String {
        usleep(UInt32(milliseconds) * 1_000)
        return "worked \(milliseconds) ms"
    }
}

let pool = try ProcessPool(workers: 1, options: .init(jobTimeout: .milliseconds(500)))
let clock = ContinuousClock()
let start = clock.now

let slow = try pool.submit(Work(milliseconds: 60_000))  // far past the limit
let quick = try pool.submit(Work(milliseconds: 10))  // queued behind it

do {
    _ = try await slow.value
} catch JobError.timedOut(let limit) {
    print("slow job stopped after \(clock.now - start) (limit \(limit)); its worker was killed")
}
print("quick job: \(try await quick.value), on the replacement worker \(pool.workerPIDs)")

// Cancelling a running job kills its worker too.
let endless = try pool.submit(Work(milliseconds: 400))
try await Task.sleep(for: .milliseconds(100))
endless.cancel()
do {
    _ = try await endless.value
} catch JobError.cancelled {
    print("a running job was cancelled: its worker was killed and is being replaced")
}

await pool.shutdown()
