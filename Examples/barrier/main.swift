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

// What this teaches: Barrier (Python's threading.Barrier): threads that work
// in phases meet at the barrier after each phase; the action runs once per
// round; wait() tells each thread its arrival order; abort() breaks the
// barrier and every waiter gets BarrierError.broken instead of hanging.
//
// Run: swift run barrier
import Threading

#if canImport(Glibc)
    import Glibc
#endif

let parties = 3
let round = Lock()
nonisolated(unsafe) var roundNumber = 0  // guarded by `round`

let barrier = Barrier(parties: parties) {
    // Runs on the last thread to arrive, before anyone is released.
    round.withLock { roundNumber += 1 }
    print("-- all \(parties) threads finished phase \(round.withLock { roundNumber }) --")
}

let threads = (1...parties).map { number in
    PosixThread(name: "phaser-\(number)") {
        for phase in 1...3 {
            usleep(UInt32.random(in: 1_000...20_000))  // uneven work
            print("thread \(number) done with phase \(phase)")
            do {
                let arrival = try barrier.wait()
                if arrival == parties - 1 { print("thread \(number) arrived last in phase \(phase)") }
            } catch {
                print("thread \(number): \(error)")
                return
            }
        }
    }
}
for thread in threads { try thread.start() }
for thread in threads { thread.join() }

// Breaking: one thread waits, another aborts; the waiter gets an error.
let broken = Barrier(parties: 2)
let waiter = PosixThread(name: "waiter") {
    do {
        try broken.wait()
    } catch {
        print("waiter: \(error)")
    }
}
try waiter.start()
while broken.waitingCount == 0 { usleep(1_000) }
broken.abort()
waiter.join()

// A timeout breaks it too; reset() makes it usable again.
let lonely = Barrier(parties: 2)
do {
    try lonely.wait(timeout: .milliseconds(50))
} catch {
    print("alone at a barrier for two, after 50 ms: \(error); isBroken = \(lonely.isBroken)")
}
lonely.reset()
print("after reset(): isBroken = \(lonely.isBroken)")
