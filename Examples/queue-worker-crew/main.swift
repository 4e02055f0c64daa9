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

// A crew of worker threads fed by a Queue, with taskDone()/join() as in
// Python's queue module, and shutdown() (Python 3.13) to send them home.
// `swift run queue-worker-crew`
import Synchronization
import Threading

let tasks = Queue<Int>(maxSize: 8)  // bounded: producers block while it is full
let processed = Atomic<Int>(0)

let crew = (1...3).map { id in
    PosixThread(name: "crew-\(id)") {
        var mine = 0
        while true {
            let n: Int
            do {
                n = try tasks.get()
            } catch {
                break  // QueueError.shutDown: the queue is closed and empty
            }
            _ = (1...n).reduce(0, &+)  // the "work"
            processed.add(1, ordering: .relaxed)
            mine += 1
            tasks.taskDone()
        }
        print("crew-\(id) went home after \(mine) tasks")
    }
}
for worker in crew { try worker.start() }

for n in 1...100 { try tasks.put(n * 1000) }
tasks.join()  // until every task put was marked done
print("all \(processed.load(ordering: .relaxed)) tasks done; queue empty: \(tasks.isEmpty)")

tasks.shutdown()  // wakes the idle crew with QueueError.shutDown
for worker in crew { worker.join() }

do {
    try tasks.put(1)
} catch {
    print("put after shutdown: \(error)")
}

// The other orders: LIFO and smallest-first.
let stack = LifoQueue<String>()
let priorities = PriorityQueue<Int>()
for word in ["first", "second", "third"] { try stack.put(word) }
for p in [5, 1, 3] { try priorities.put(p) }
print("LifoQueue: \(try stack.get()), PriorityQueue: \(try priorities.get())")
