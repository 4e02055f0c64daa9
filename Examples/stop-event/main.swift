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

// What this teaches: a ProcessEvent as a stop signal that every worker
// process checks (Python's multiprocessing.Event). isSet is one atomic load,
// cheap enough to check in a hot loop; wait(timeout:) sleeps until the
// event is set, in whichever process sets it.
//
// The workers are ProcessPool workers; the event, a semaphore and an array
// of counters reach them as stored properties of their jobs, each with its
// descriptor (Python's Pool refuses an Event in a task's arguments).
//
// Run: swift run stop-event
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// Works in rounds until `stop` is set; returns how many rounds it did.
struct WorkUntilStopped: Job {
    var index: Int
    var stop: ProcessEvent
    var started: ProcessSemaphore
    var rounds: SharedArray<Int>

    func run() throws -> Int {
        started.release()
        while !stop.isSet {  // checked every round
            rounds.add(1, at: index)  // a unit of "work"
            if rounds[index] % 1_000 == 0 {
                _ = try stop.wait(timeout: .milliseconds(1))  // or sleep until stopped
            }
        }
        return rounds[index]
    }
}

let stop = try ProcessEvent()
let started = try ProcessSemaphore(value: 0)
let rounds = try SharedArray(repeating: 0, count: 3)

let pool = try ProcessPool(workers: 3)
let workers = try (0..<3).map { index in
    try pool.submit(WorkUntilStopped(index: index, stop: stop, started: started, rounds: rounds))
}

for _ in workers { try started.acquire() }  // every worker is running
usleep(100_000)  // let them work a little
stop.set()  // one call stops them all
for (index, worker) in workers.enumerated() {
    print("worker \(index): \(try await worker.value) rounds")
}
await pool.shutdown()
print("rounds of work per worker: \(rounds.toArray())")
precondition(rounds.toArray().allSatisfy { $0 > 0 })
