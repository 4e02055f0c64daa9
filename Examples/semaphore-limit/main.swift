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

// A Semaphore limiting how many workers do something at once, like Python's
// `threading.Semaphore(3)` around a download. `swift run semaphore-limit`
import Synchronization
import Threading

let slots = Semaphore(value: 3)
let inside = Atomic<Int>(0)
let peak = Atomic<Int>(0)

let workers = (1...10).map { id in
    PosixThread(name: "worker-\(id)") {
        slots.withPermit {
            let now = inside.add(1, ordering: .relaxed).newValue
            _ = peak.max(now, ordering: .relaxed)
            print("worker \(id) starts  (\(now) inside)")
            _ = Event().wait(timeout: .milliseconds(30))  // "downloading"
            inside.subtract(1, ordering: .relaxed)
            print("worker \(id) done")
        }
    }
}
for worker in workers { try worker.start() }
for worker in workers { worker.join() }
print("10 workers, at most \(peak.load(ordering: .relaxed)) at once (the semaphore allows 3)")

// A BoundedSemaphore catches a release that was never acquired.
let bounded = BoundedSemaphore(value: 2)
do {
    try bounded.release()
} catch {
    print("BoundedSemaphore.release() without acquire: \(error)")
}
