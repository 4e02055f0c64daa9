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

// What this teaches: BoundedSemaphore (Python's threading.BoundedSemaphore)
// limiting how many threads use a resource at once — here at most 2 of 6
// "downloads" run together — and catching the classic bug, a release without
// a matching acquire, as SemaphoreError instead of silently raising the limit.
//
// Run: swift run bounded-semaphore
import Threading

#if canImport(Glibc)
    import Glibc
#endif

let slots = BoundedSemaphore(value: 2)
let statistics = Lock()
nonisolated(unsafe) var running = 0
nonisolated(unsafe) var mostAtOnce = 0  // guarded by `statistics`

let downloads = (1...6).map { number in
    PosixThread(name: "download-\(number)") {
        slots.withPermit {
            let now = statistics.withLock {
                running += 1
                mostAtOnce = max(mostAtOnce, running)
                return running
            }
            print("download \(number) started (\(now) running)")
            usleep(30_000)
            statistics.withLock { running -= 1 }
        }
    }
}
for download in downloads { try download.start() }
for download in downloads { download.join() }
print("at most \(mostAtOnce) downloads ran at once (bound \(slots.bound))")

// A timed acquire returns false rather than throwing when no permit comes.
slots.acquire()
slots.acquire()
print("third acquire within 20 ms: \(slots.acquire(timeout: .milliseconds(20)))")
try slots.release()
try slots.release()

// The bug a plain Semaphore hides: one release too many.
do {
    try slots.release()
} catch {
    print("extra release: \(error)")
}
print("value is still \(slots.value)")
