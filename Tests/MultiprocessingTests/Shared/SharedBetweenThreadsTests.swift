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

// The process-shared types are also used between the threads of one
// process. These tests run there only, so ThreadSanitizer (which does not
// support fork) can check them: `swift test --sanitize=thread --filter SharedBetweenThreads`.

struct SharedJob: Job {
    var segmentName: String
    var index: Int
    func run() throws -> Int {
        let memory = try SharedMemory(attachingTo: segmentName)
        memory.withUnsafeMutableBytes { $0[index] = UInt8(index + 1) }
        return memory.size
    }
}

@Suite("Shared objects between threads", .onItsOwnThread, .timeLimit(.minutes(1)))
struct SharedBetweenThreadsTests {
    @Test func lockAndValuesBetweenThreads() throws {
        let lock = try ProcessLock()
        let counter = try SharedValue(0)
        let guarded = try SharedArray(repeating: 0, count: 1)
        let threads = (0..<4).map { _ in
            TestThread {
                for _ in 0..<5_000 {
                    counter.add(1)
                    try! lock.withLock { guarded[0] = guarded[0] + 1 }
                }
            }
        }
        threads.forEach { $0.join() }
        #expect(counter.load() == 20_000)
        #expect(guarded[0] == 20_000)
    }

    @Test func queueBetweenThreads() throws {
        let queue = try ProcessQueue<Int>(maxSize: 32, capacityBytes: 512)
        let sums = (0..<2).map { _ in Box(0) }
        let consumers = sums.map { sum in
            TestThread {
                var total = 0
                while let value = try? queue.get() { total += value }
                sum.value = total
            }
        }
        let producers = (0..<2).map { producer in
            TestThread { for value in stride(from: producer, to: 20_000, by: 2) { try! queue.put(value) } }
        }
        producers.forEach { $0.join() }
        queue.shutdown()
        consumers.forEach { $0.join() }
        #expect(sums.map(\.value).reduce(0, +) == (0..<20_000).reduce(0, +))
    }

    @Test func joinableQueueOfCodableElementsBetweenThreads() throws {
        let queue = try JoinableProcessQueue<String>(maxSize: 8, capacityBytes: 256)
        let received = (0..<2).map { _ in Box<[String]>([]) }
        let consumers = received.map { box in
            TestThread {
                while let text = try? queue.get() {
                    box.value.append(text)
                    queue.taskDone()
                }
            }
        }
        let producers = (0..<2).map { producer in
            TestThread { for value in 0..<2_000 { try! queue.put("\(producer)-\(value)") } }
        }
        producers.forEach { $0.join() }
        #expect(queue.join(timeout: .seconds(30)), "every task marked done")
        #expect(queue.count == 0)
        queue.shutdown()
        consumers.forEach { $0.join() }
        let all = received.flatMap(\.value)
        #expect(Set(all) == Set((0..<2).flatMap { producer in (0..<2_000).map { "\(producer)-\($0)" } }))
        #expect(all.count == 4_000)
    }

    @Test func eventSemaphoreConditionAndBarrierBetweenThreads() throws {
        let event = try ProcessEvent()
        let semaphore = try ProcessSemaphore(value: 0)
        let condition = try ProcessCondition()
        let barrier = try ProcessBarrier(parties: 2)
        let state = try SharedValue(0)
        let worker = TestThread {
            #expect(try! event.wait(timeout: .seconds(20)))
            semaphore.release()
            try! condition.withLock {
                state.store(1)
                condition.notifyAll()
            }
            _ = try! barrier.wait(timeout: .seconds(20))
        }
        event.set()
        #expect(try semaphore.acquire(timeout: .seconds(20)))
        let changed = try condition.withLock { try condition.wait(timeout: .seconds(20)) { state.load() == 1 } }
        #expect(changed)
        _ = try barrier.wait(timeout: .seconds(20))
        worker.join()
    }

    /// A named segment reaches spawned pool workers by its name, as a job
    /// that attaches to it (anonymous ones travel inside jobs as descriptors:
    /// ProcessPoolSharedObjectTests).
    @Test func namedSegmentReachesSpawnedPoolWorkers() throws {
        let name = uniqueSegmentName("pool")
        let memory = try SharedMemory(name: name, size: 4)
        let pool = try ProcessPool(workers: 2)
        defer { pool.shutdown(wait: true) }
        let sizes = try (0..<4).map { try pool.submit(SharedJob(segmentName: name, index: $0)) }.map {
            try $0.wait(timeout: .seconds(30))
        }
        #expect(sizes == [4, 4, 4, 4])
        #expect(memory.withUnsafeMutableBytes { Array($0) } == [1, 2, 3, 4])
    }
}
