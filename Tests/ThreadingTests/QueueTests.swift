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

import MultiprocessingTestSupport
import Testing

@testable import Threading

@Suite("Queue, LifoQueue, PriorityQueue", .onItsOwnThread, .timeLimit(.minutes(1)))
struct QueueTests {
    @Test func ordersOfTheThreeKinds() throws {
        let fifo = Queue<Int>()
        let lifo = LifoQueue<Int>()
        let priority = PriorityQueue<Int>()
        for value in [3, 1, 2] {
            try fifo.put(value)
            try lifo.put(value)
            try priority.put(value)
        }
        #expect(try [fifo.get(), fifo.get(), fifo.get()] == [3, 1, 2])
        #expect(try [lifo.get(), lifo.get(), lifo.get()] == [2, 1, 3])
        #expect(try [priority.get(), priority.get(), priority.get()] == [1, 2, 3])
    }

    @Test func countsAndBounds() throws {
        let queue = Queue<String>(maxSize: 2)
        #expect(queue.isEmpty && !queue.isFull && queue.count == 0)
        try queue.put("a")
        #expect(queue.tryPut("b"))
        #expect(queue.isFull && queue.count == 2)
        #expect(!queue.tryPut("c"))
        #expect(queue.tryGet() == "a")
        #expect(queue.tryGet() == "b")
        #expect(queue.tryGet() == nil)
        let unbounded = Queue<Int>()
        for i in 0..<10_000 { try unbounded.put(i) }
        #expect(!unbounded.isFull && unbounded.count == 10_000)
    }

    @Test func timedGetAndPutThrowAfterTheirTimeout() throws {
        let queue = Queue<Int>(maxSize: 1)
        var took = measure { #expect(throws: QueueError.empty) { try queue.get(timeout: .milliseconds(50)) } }
        #expect(took >= .milliseconds(45) && took < prompt)
        try queue.put(1, timeout: .milliseconds(50))
        took = measure { #expect(throws: QueueError.full) { try queue.put(2, timeout: .milliseconds(50)) } }
        #expect(took >= .milliseconds(45) && took < prompt)
        #expect(try queue.get(timeout: .milliseconds(50)) == 1)
    }

    @Test func blockedGetWakesOnPutAndBlockedPutOnGet() throws {
        let queue = Queue<Int>(maxSize: 1)
        let got = Recorder<Int>()
        let getter = PosixThread { got.append(try! queue.get()) }
        try getter.start()
        #expect(eventually { queue.waitingCounts.getters == 1 })
        try queue.put(5)
        getter.join()
        #expect(got.elements == [5])

        try queue.put(6)
        let putter = PosixThread { try! queue.put(7) }
        try putter.start()
        #expect(eventually { queue.waitingCounts.putters == 1 })
        #expect(try queue.get() == 6)
        putter.join()
        #expect(try queue.get() == 7)
    }

    @Test func taskDoneAndJoin() throws {
        let queue = Queue<Int>()
        for i in 0..<100 { try queue.put(i) }
        let processed = Counter()
        let workers = try startThreads(3) { _ in
            while (try? queue.get(timeout: .milliseconds(200))) != nil {
                processed.increment()
                queue.taskDone()
            }
        }
        queue.join()
        #expect(processed.value == 100)
        for worker in workers { worker.join() }
    }

    @Test func taskDoneMoreOftenThanPutsTraps() async {
        await #expect(processExitsWith: .failure) {
            let queue = Queue<Int>()
            try? queue.put(1)
            _ = try? queue.get()
            queue.taskDone()
            queue.taskDone()
        }
    }

    @Test func joinTimesOutWhileTasksAreUnfinished() throws {
        let queue = Queue<Int>()
        try queue.put(1)
        _ = try queue.get()
        #expect(!queue.join(timeout: .milliseconds(20)))
        queue.taskDone()
        #expect(queue.join(timeout: .milliseconds(20)))
    }

    @Test func shutdownWakesBlockedGettersAndPutters() throws {
        let empty = Queue<Int>()
        let full = Queue<Int>(maxSize: 1)
        try full.put(0)
        let errors = Recorder<QueueError>()
        let getters = try startThreads(3, name: "getter") { _ in
            do { _ = try empty.get() } catch { errors.append(error as! QueueError) }
        }
        let putters = try startThreads(2, name: "putter") { _ in
            do { try full.put(1) } catch { errors.append(error as! QueueError) }
        }
        #expect(eventually { empty.waitingCounts.getters == 3 && full.waitingCounts.putters == 2 })
        empty.shutdown()
        full.shutdown()
        for thread in getters + putters { thread.join() }
        #expect(errors.elements == Array(repeating: .shutDown, count: 5))
        #expect(throws: QueueError.shutDown) { try empty.put(1) }
        #expect(!empty.tryPut(1), "a shut-down queue takes nothing")
        #expect(empty.isShutdown)
    }

    @Test func gracefulShutdownLetsGettersDrainFirst() throws {
        let queue = Queue<Int>()
        try queue.put(1)
        try queue.put(2)
        queue.shutdown()
        #expect(try queue.get() == 1)
        #expect(queue.tryGet() == 2)
        #expect(throws: QueueError.shutDown) { try queue.get() }
        #expect(queue.tryGet() == nil)
        #expect(throws: QueueError.shutDown) { try queue.get(timeout: .seconds(10)) }
    }

    @Test func immediateShutdownDropsItemsAndReleasesJoin() throws {
        let queue = PriorityQueue<Int>()
        for i in 0..<5 { try queue.put(i) }
        let joined = Event()
        let joiner = PosixThread {
            queue.join()
            joined.set()
        }
        try joiner.start()
        #expect(!joined.wait(timeout: .milliseconds(20)))
        queue.shutdown(immediate: true)
        joiner.join()
        #expect(queue.isEmpty)
        #expect(throws: QueueError.shutDown) { try queue.get() }
        queue.shutdown()  // again: not an error
    }

    @Test func errorsDescribeThemselves() {
        for error in [QueueError.shutDown, .empty, .full] {
            #expect(!error.description.isEmpty)
        }
    }
}
