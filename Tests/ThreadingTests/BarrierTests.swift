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

@Suite("Barrier", .onItsOwnThread, .timeLimit(.minutes(1)))
struct BarrierTests {
    @Test func everyPartyGetsADistinctIndexAndNobodyPassesEarly() throws {
        let barrier = Barrier(parties: 4)
        let indices = Recorder<Int>()
        let passed = Counter()
        let threads = try startThreads(3) { _ in
            indices.append(try! barrier.wait())
            passed.increment()
        }
        #expect(eventually { barrier.waitingCount == 3 })
        #expect(passed.value == 0)
        indices.append(try barrier.wait())
        for thread in threads { thread.join() }
        #expect(indices.elements.sorted() == [0, 1, 2, 3])
    }

    @Test func barrierIsReusableAcrossRoundsAndRunsItsAction() throws {
        let actions = Counter()
        let barrier = Barrier(parties: 3) { actions.increment() }
        let rounds = 50
        let threads = try startThreads(3) { _ in
            for _ in 0..<rounds { _ = try! barrier.wait() }
        }
        for thread in threads { thread.join() }
        #expect(actions.value == rounds)
        #expect(!barrier.isBroken)
    }

    @Test func abortBreaksEveryWaiter() throws {
        let barrier = Barrier(parties: 3)
        let errors = Recorder<BarrierError>()
        let threads = try startThreads(2) { _ in
            do { _ = try barrier.wait() } catch { errors.append(error as! BarrierError) }
        }
        #expect(eventually { barrier.waitingCount == 2 })
        barrier.abort()
        for thread in threads { thread.join() }
        #expect(errors.elements == [.broken, .broken])
        #expect(barrier.isBroken)
        #expect(throws: BarrierError.broken) { try barrier.wait() }
    }

    @Test func aTimeoutBreaksTheBarrierForEveryone() throws {
        let barrier = Barrier(parties: 3)
        let errors = Recorder<BarrierError>()
        let patient = PosixThread {
            do { _ = try barrier.wait() } catch { errors.append(error as! BarrierError) }
        }
        try patient.start()
        #expect(eventually { barrier.waitingCount == 1 })
        let took = measure {
            #expect(throws: BarrierError.broken) { try barrier.wait(timeout: .milliseconds(50)) }
        }
        #expect(took >= .milliseconds(45) && took < prompt)
        patient.join()
        #expect(errors.elements == [.broken])
    }

    @Test func resetBreaksCurrentWaitersAndRepairsTheBarrier() throws {
        let barrier = Barrier(parties: 2)
        let errors = Recorder<BarrierError>()
        let waiter = PosixThread {
            do { _ = try barrier.wait() } catch { errors.append(error as! BarrierError) }
        }
        try waiter.start()
        #expect(eventually { barrier.waitingCount == 1 })
        barrier.reset()
        waiter.join()
        #expect(errors.elements == [.broken])
        // Usable again.
        let other = PosixThread { _ = try? barrier.wait() }
        try other.start()
        #expect(try barrier.wait(timeout: .seconds(10)) >= 0)
        other.join()
        // A broken barrier is repaired by reset.
        barrier.abort()
        #expect(barrier.isBroken)
        barrier.reset()
        #expect(!barrier.isBroken)
    }

    @Test func onePartyPassesAtOnce() throws {
        let barrier = Barrier(parties: 1)
        #expect(try barrier.wait() == 0)
        #expect(try barrier.wait() == 0)
    }
}
