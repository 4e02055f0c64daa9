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

/// Many threads hammering each primitive at once, for a bounded time; run
/// under ThreadSanitizer by .ci/run.
@Suite("Stress", .onItsOwnThread, .timeLimit(.minutes(1)))
struct StressTests {
    static let threads = 8

    @Test func queueWithManyProducersAndConsumers() throws {
        let queue = Queue<Int>(maxSize: 16)
        let perProducer = 2000
        let sum = Counter()
        let consumers = try startThreads(Self.threads / 2, name: "consumer") { _ in
            while let item = try? queue.get() {
                sum.increment(by: item)
                queue.taskDone()
            }
        }
        let producers = try startThreads(Self.threads / 2, name: "producer") { _ in
            for i in 1...perProducer { try! queue.put(i) }
        }
        for producer in producers { producer.join() }
        queue.join()
        queue.shutdown()
        for consumer in consumers { consumer.join() }
        #expect(sum.value == Self.threads / 2 * perProducer * (perProducer + 1) / 2)
    }

    @Test func semaphoreAndLockTogether() throws {
        let semaphore = BoundedSemaphore(value: 2)
        let lock = RecursiveLock()
        final class Box: @unchecked Sendable { var value = 0 }
        let box = Box()
        let threads = try startThreads(Self.threads) { _ in
            for _ in 0..<500 {
                semaphore.withPermit { lock.withLock { lock.withLock { box.value += 1 } } }
            }
        }
        for thread in threads { thread.join() }
        #expect(box.value == Self.threads * 500)
        #expect(semaphore.value == 2)
    }

    @Test func barrierRoundsWithManyThreads() throws {
        let barrier = Barrier(parties: Self.threads)
        let lastIndexSeen = Counter()
        let threads = try startThreads(Self.threads) { _ in
            for _ in 0..<100 {
                if try! barrier.wait() == Self.threads - 1 { lastIndexSeen.increment() }
            }
        }
        for thread in threads { thread.join() }
        #expect(lastIndexSeen.value == 100)
    }

    @Test func threadPoolFromManySubmitters() async throws {
        let pool = ThreadPool(threads: 4)
        let done = Counter()
        let submitters = try startThreads(Self.threads, name: "submitter") { _ in
            let futures = (0..<1000).map { i in
                pool.submit {
                    done.increment()
                    return i
                }
            }
            for (i, future) in futures.enumerated() { precondition(try! future.wait() == i) }
        }
        for submitter in submitters { submitter.join() }
        await pool.shutdown()
        #expect(done.value == Self.threads * 1000)
    }

    @Test func eventsAndConditionsPingPong() throws {
        let condition = Condition()
        final class Turn: @unchecked Sendable { var value = 0 }
        let turn = Turn()
        let rounds = 2000
        let players = try startThreads(2, name: "player") { me in
            for _ in 0..<rounds {
                condition.withLock {
                    condition.wait { turn.value % 2 == me }
                    turn.value += 1
                    condition.notifyAll()
                }
            }
        }
        for player in players { player.join() }
        #expect(turn.value == 2 * rounds)
    }
}
