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

// What this teaches: PriorityQueue (Python's queue.PriorityQueue: get()
// returns the smallest element first) with a Comparable job type, a worker
// thread draining it, shutdown() to stop the worker; and LifoQueue (Python's
// queue.LifoQueue: last in, first out).
//
// Run: swift run priority-queue
import Threading

struct Task: Comparable {
    var priority: Int  // smaller runs first
    var name: String

    static func < (a: Task, b: Task) -> Bool {
        (a.priority, a.name) < (b.priority, b.name)
    }
}

let tasks = PriorityQueue<Task>()
for (priority, name) in [(3, "write the report"), (1, "fix the outage"), (2, "answer email"), (1, "call back")] {
    try tasks.put(Task(priority: priority, name: name))
}
print("queued \(tasks.count) tasks")

let worker = PosixThread(name: "worker") {
    while true {
        let task: Task
        do {
            task = try tasks.get()
        } catch {
            print("worker stops: \(error)")  // QueueError.shutDown once empty
            return
        }
        print("priority \(task.priority): \(task.name)")
        tasks.taskDone()
    }
}
try worker.start()
tasks.join()  // returns once every task was marked done
tasks.shutdown()  // wakes the blocked worker with QueueError.shutDown
worker.join()

// LifoQueue: a stack with the same blocking API.
let stack = LifoQueue<String>(maxSize: 2)
try stack.put("bottom")
try stack.put("top")
print("stack full: \(stack.isFull); tryPut: \(stack.tryPut("overflow"))")
print("get: \(try stack.get()), then \(try stack.get())")
do {
    _ = try stack.get(timeout: .milliseconds(20))
} catch {
    print("get on an empty stack for 20 ms: \(error)")
}
