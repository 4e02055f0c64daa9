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

import MultiprocessingPlatform
import MultiprocessingTestSupport
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ProcessQueue and JoinableProcessQueue", .onItsOwnThread, .timeLimit(.minutes(2)))
struct ProcessQueueTests {
    @Test func firstInFirstOutWithCodableElements() throws {
        let queue = try ProcessQueue<Sample>()
        let samples = (0..<100).map {
            Sample(id: $0, name: "n\($0)", values: Array(repeating: Double($0), count: $0 % 7))
        }
        for sample in samples { try queue.put(sample) }
        #expect(queue.count == 100 && !queue.isEmpty)
        let firstHalf = try (0..<50).map { _ in try queue.get() }
        let rest = try queue.get(upTo: 1_000, timeout: .zero)
        #expect(firstHalf + rest == samples)
        #expect(queue.isEmpty)
    }

    @Test func boundsOnCountAndBytes() throws {
        let bounded = try ProcessQueue<Int>(maxSize: 2)
        #expect(bounded.tryPut(1) && bounded.tryPut(2))
        #expect(!bounded.tryPut(3))
        #expect(throws: QueueError.full) { try bounded.put(3, timeout: .milliseconds(10)) }
        #expect(bounded.tryGet() == 1)
        #expect(bounded.tryPut(3))

        // 100-byte records: 4-byte length + header byte + a 95-byte blob (tag and varint count: 2 bytes).
        let blob = [UInt8](repeating: 7, count: 93)
        let small = try ProcessQueue<[UInt8]>(capacityBytes: 250)
        try small.put(blob)
        try small.put(blob)
        #expect(!small.tryPut(blob), "no byte room for a third")
        #expect(try small.get() == blob)
        #expect(small.tryPut(blob))
        let huge = [UInt8](repeating: 1, count: 300)
        #expect(throws: ProcessQueueError.self) { try small.put(huge) }
        do {
            try small.put(huge)
        } catch let error as ProcessQueueError {
            guard case .elementTooLarge(let byteCount, 250) = error else { throw error }
            #expect(byteCount > 300)
        }
    }

    @Test func emptyQueueTimesOut() throws {
        let queue = try ProcessQueue<String>()
        #expect(queue.tryGet() == nil)
        #expect(throws: QueueError.empty) { try queue.get(timeout: .milliseconds(10)) }
        #expect(try queue.get(upTo: 5, timeout: .milliseconds(10)).isEmpty)
    }

    @Test func recordsWrapAroundTheRing() throws {
        let queue = try ProcessQueue<String>(capacityBytes: 64)
        for round in 0..<500 {
            let text = String(repeating: "x", count: round % 40)
            try queue.put(text)
            if round % 3 == 0 { try queue.put("y") }
            #expect(try queue.get() == text)
            if round % 3 == 0 { #expect(try queue.get() == "y") }
        }
        #expect(queue.isEmpty)
    }

    @Test func shutdownDrainsThenThrowsAndWakesWaiters() throws {
        let queue = try ProcessQueue<Int>(maxSize: 1)
        try queue.put(1)
        let blockedPut = TestThread { #expect(throws: QueueError.shutDown) { try queue.put(2) } }
        let empty = try ProcessQueue<Int>()
        let blockedGet = TestThread { #expect(throws: QueueError.shutDown) { try empty.get() } }
        #expect(pollUntil { true })
        queue.shutdown()
        empty.shutdown()
        blockedPut.join()
        blockedGet.join()
        #expect(queue.isShutdown)
        #expect(throws: QueueError.shutDown) { try queue.put(3) }
        #expect(try queue.get() == 1, "what was queued drains")
        #expect(throws: QueueError.shutDown) { try queue.get() }
        #expect(throws: QueueError.shutDown) { try queue.get(upTo: 3, timeout: nil) }

        let dropped = try JoinableProcessQueue<Int>()
        try dropped.put(1)
        try dropped.put(2)
        dropped.shutdown(immediate: true)
        #expect(dropped.isEmpty)
        #expect(throws: QueueError.shutDown) { try dropped.get() }
        #expect(dropped.join(timeout: .zero), "dropped elements count as done")
    }

    /// As with Python's JoinableQueue, `taskDone()` may come before the
    /// get of its element; an immediate shutdown then counts only the
    /// unfinished rest as done, and `join()` still returns.
    @Test func tasksMarkedDoneAheadOfTheirGetsAndAnImmediateShutdown() throws {
        let queue = try JoinableProcessQueue<Int>()
        try queue.put(1)
        try queue.put(2)
        queue.taskDone()
        #expect(!queue.join(timeout: .zero))
        queue.shutdown(immediate: true)
        #expect(queue.isEmpty)
        #expect(queue.join(timeout: .zero))
    }

    @Test func joinWaitsForEveryTaskDone() throws {
        let queue = try JoinableProcessQueue<Int>()
        #expect(queue.join(timeout: .zero))
        try queue.put(1)
        try queue.put(2)
        #expect(!queue.join(timeout: .milliseconds(10)))
        _ = try queue.get()
        queue.taskDone()
        let joiner = TestThread { #expect(queue.join(timeout: .seconds(20))) }
        _ = try queue.get()
        queue.taskDone()
        joiner.join()
    }

    @Test func producersAndConsumersInSeveralProcesses() throws {
        try runIsolated(in: Self.self) {
            let queue = try JoinableProcessQueue<Int>(maxSize: 64)
            let results = try ProcessQueue<Int>()
            let consumers = try (0..<2).map { _ in
                try ChildProcess.fork {
                    while let value = try? queue.get() {
                        try results.put(value * 2)
                        queue.taskDone()
                    }
                    return 0
                }
            }
            for value in 0..<1_000 { try queue.put(value) }
            try check(queue.join(timeout: .seconds(30)), "tasks left unfinished")
            queue.shutdown()
            for consumer in consumers { try check(try joinChild(consumer) == .exited(0)) }
            let doubled = try results.get(upTo: 2_000, timeout: .zero).sorted()
            try check(doubled == (0..<1_000).map { $0 * 2 })
        }
    }

    /// A producer killed mid-put (half its record written, holding the lock)
    /// wedges nobody and leaves no torn element.
    @Test func producerKilledMidPutLeavesTheQueueIntact() throws {
        try runIsolated(in: Self.self) {
            let queue = try ProcessQueue<String>(capacityBytes: 4096)
            try queue.put("before")
            let midPut = try HandOff()
            let producer = try ChildProcess.fork {
                ProcessQueueTestHooks.midPut = {
                    midPut.signal()
                    blockUntilKilled()
                }
                try queue.put(String(repeating: "torn", count: 100))
                return 0
            }
            try check(midPut.wait() == 1, "the producer never reached the middle of its put")
            producer.kill()
            _ = try joinChild(producer)
            try queue.put("after")
            try check(try queue.get(timeout: .seconds(5)) == "before")
            try check(try queue.get(timeout: .seconds(5)) == "after")
            try check(queue.isEmpty)
        }
    }

    /// A consumer killed mid-get (record copied out, not committed) leaves
    /// the element queued for the others.
    @Test func consumerKilledMidGetLeavesItsElementQueued() throws {
        try runIsolated(in: Self.self) {
            let queue = try ProcessQueue<Int>()
            try queue.put(1)
            try queue.put(2)
            let midGet = try HandOff()
            let consumer = try ChildProcess.fork {
                ProcessQueueTestHooks.midGet = {
                    midGet.signal()
                    blockUntilKilled()
                }
                _ = try queue.get()
                return 0
            }
            try check(midGet.wait() == 1, "the consumer never reached the middle of its get")
            let waiterDone = Box(false)
            let waiter = TestThread {
                // Blocked on the queue's lock, which the victim holds.
                #expect(try! queue.get(upTo: 2, timeout: .seconds(20)) == [1, 2])
                waiterDone.value = true
            }
            consumer.kill()
            _ = try joinChild(consumer)
            waiter.join()
            try check(waiterDone.value)
        }
    }

    /// A consumer killed between its commit and publishing its count of
    /// elements taken leaves producers of a bounded queue counting one
    /// element too many: a producer that went to sleep on that wrong count
    /// is woken by the next consumer, which repairs the count.
    @Test func consumerKilledRightAfterItsCommitWakesNoOneWrongly() throws {
        try runIsolated(in: Self.self) {
            let queue = try ProcessQueue<Int>(maxSize: 1)
            try queue.put(1)
            let committed = try HandOff()
            let consumer = try ChildProcess.fork {
                ProcessQueueTestHooks.afterGetCommit = {
                    committed.signal()
                    blockUntilKilled()
                }
                _ = try queue.get()
                return 0
            }
            try check(committed.wait() == 1, "the consumer never committed its get")
            consumer.kill()
            _ = try joinChild(consumer)
            let producerThread = Box<pid_t>(0)
            let producerReady = try HandOff()
            let producer = TestThread {
                producerThread.value = currentThreadID()
                producerReady.signal()
                // Longer than the get below waits: only a wake-up lets it succeed in time.
                #expect(throws: Never.self) { try queue.put(2, timeout: .seconds(60)) }
            }
            try check(producerReady.wait() == 1)
            try check(waitUntilSleeping(producerThread.value), "the producer never went to sleep on the full count")
            try check(try queue.get(timeout: .seconds(10)) == 2)
            producer.join()
            try check(queue.count == 0)
        }
    }

    /// Puts and gets that sleep wake each other without sharing a lock:
    /// a stream through a queue of a few bytes, where the producer finds it
    /// full and the consumer finds it empty over and over, arrives whole
    /// and in order, and round trips through two one-element queues never
    /// miss a wake-up.
    @Test func sidesThatSleepWakeEachOther() throws {
        try runIsolated(in: Self.self) {
            let total = 50_000
            let tiny = try ProcessQueue<Int>(capacityBytes: 40)
            let producer = try ChildProcess.fork {
                for value in 0..<total { try tiny.put(value) }
                return 0
            }
            for expected in 0..<total {
                let value = try tiny.get(timeout: .seconds(20))
                try check(value == expected, "got \(value), expected \(expected)")
            }
            try check(try joinChild(producer) == .exited(0))

            let requests = try ProcessQueue<Int>(maxSize: 1)
            let replies = try ProcessQueue<Int>(maxSize: 1)
            let echo = try ChildProcess.fork {
                while let value = try? requests.get() { try replies.put(value + 1) }
                return 0
            }
            for value in 0..<5_000 {
                try requests.put(value, timeout: .seconds(20))
                try check(try replies.get(timeout: .seconds(20)) == value + 1)
            }
            requests.shutdown()
            try check(try joinChild(echo) == .exited(0))
        }
    }

    /// Issue 11: 4 producers, 4 consumers, 100,000 elements, each delivered
    /// exactly once.
    @Test func stressFourProducersFourConsumers() throws {
        try runIsolated(in: Self.self) {
            let total = 100_000
            let queue = try ProcessQueue<Int>(maxSize: 1_000, capacityBytes: 16 * 1024)
            let seen = try SharedArray<UInt8>(repeating: 0, count: total)
            let consumers = try (0..<4).map { _ in
                try ChildProcess.fork {
                    while true {
                        let batch: [Int]
                        do {
                            batch = try queue.get(upTo: 16, timeout: nil)
                        } catch QueueError.shutDown {
                            return 0
                        }
                        for value in batch { seen.add(1, at: value) }
                    }
                }
            }
            let producers = try (0..<4).map { producer in
                try ChildProcess.fork {
                    for value in stride(from: producer, to: total, by: 4) { try queue.put(value) }
                    return 0
                }
            }
            for producer in producers { try check(try joinChild(producer, timeout: .seconds(90)) == .exited(0)) }
            queue.shutdown()
            for consumer in consumers { try check(try joinChild(consumer, timeout: .seconds(90)) == .exited(0)) }
            let counts = seen.toArray()
            try check(
                counts.allSatisfy { $0 == 1 },
                "\(counts.filter { $0 == 0 }.count) lost, \(counts.filter { $0 > 1 }.count) duplicated")
        }
    }

    @Test func travelsWithItsDescriptor() throws {
        let queue = try JoinableProcessQueue<String>(maxSize: 3, capacityBytes: 1000)
        let received = try roundTripWithDescriptors(queue)
        #expect(received.maxSize == 3 && received.capacityBytes == 1000)
        try queue.put("hello")
        #expect(try received.get(timeout: .seconds(5)) == "hello")
        #expect(throws: SharedMemoryError.self) {
            try ProcessQueue<String>(memory: roundTripWithDescriptors(queue.segment.memory))
        }
    }
}
