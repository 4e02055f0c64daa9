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

// What this teaches: a job that crashes its worker process (a trap, SIGKILL,
// exit) fails alone, with the worker's exit status and the job's name; every
// other job completes and the pool starts a replacement and keeps serving.
// (Python's Pool.map hangs forever here; ProcessPoolExecutor fails every
// pending future and becomes unusable.)
//
// Run: swift run process-pool-crash
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

struct Square: Job {
    var x: Int
    func run() -> Int {
        usleep(20_000)  // 20 ms of "work"
        return x * x
    }
}

struct Crash: Job {
    enum How: String, Codable { case trap, kill, exit }
    var how: How
    func run() -> Int {
        switch how {
        case .trap: preconditionFailure("this job traps (SIGILL)")
        case .kill: kill(getpid(), SIGKILL)
        case .exit: exit(42)
        }
        return 0
    }
}

let pool = try ProcessPool(workers: 2)
print("workers: \(pool.workerPIDs)")

// Ten ordinary jobs with three crashing ones among them.
var squares = try (1...10).map { try pool.submit(Square(x: $0)) }
let crashes = try [Crash.How.trap, .kill, .exit].map { try pool.submit(Crash(how: $0)) }
squares += try (11...20).map { try pool.submit(Square(x: $0)) }

for crash in crashes {
    do {
        _ = try await crash.value
    } catch let error as ProcessPoolError {
        // workerCrashed(pid:status:job:) says which worker, how it ended, and which job.
        print("crashed as expected: \(error)")
    }
}
var total = 0
for square in squares { total += try await square.value }
print("the other 20 jobs all completed: sum of squares 1...20 = \(total)")
print("replacement workers: \(pool.workerPIDs)")
print("and the pool keeps serving: 12² = \(try await pool.run(Square(x: 12)))")
await pool.shutdown()
