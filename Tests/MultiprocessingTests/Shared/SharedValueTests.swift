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

/// A value too large for lock-free access (it takes the lock).
struct Wide: Equatable, Sendable {
    var a: Int, b: Int, c: Int
}

@Suite("SharedValue and SharedArray", .onItsOwnThread, .timeLimit(.minutes(1)))
struct SharedValueTests {
    @Test func valuesOfEverySizeLoadStoreAndUpdate() throws {
        let small = try SharedValue<UInt8>(250)
        #expect(small.add(10) == 4, "wraps around instead of trapping")
        let double = try SharedValue(1.5)
        double.store(-2.25)
        #expect(double.load() == -2.25)
        let flag = try SharedValue(false)
        flag.store(true)
        #expect(flag.load())
        let wide = try SharedValue(Wide(a: 1, b: 2, c: 3))
        wide.store(Wide(a: 4, b: 5, c: 6))
        #expect(wide.load() == Wide(a: 4, b: 5, c: 6))
        #expect(
            try wide.withLock { value in
                value.c += 1
                return value.c
            } == 7)
        #expect(wide.load().c == 7)
        let signed = try SharedValue<Int32>(-5)
        #expect(signed.add(-10) == -15)
    }

    @Test func arrayElementsAndBulkUpdates() throws {
        let array = try SharedArray([1, 2, 3, 4])
        #expect(array.count == 4)
        array[2] = 30
        #expect(array[2] == 30)
        #expect(array.add(5, at: 0) == 6)
        try array.withLock { buffer in
            for index in buffer.indices { buffer[index] *= 2 }
        }
        #expect(array.toArray() == [12, 4, 60, 8])
        let wide = try SharedArray(repeating: Wide(a: 0, b: 0, c: 0), count: 3)
        wide[1] = Wide(a: 1, b: 1, c: 1)
        #expect(wide.toArray() == [Wide(a: 0, b: 0, c: 0), Wide(a: 1, b: 1, c: 1), Wide(a: 0, b: 0, c: 0)])
        #expect(try SharedArray<Int>([]).toArray().isEmpty)
    }

    @Test func addsFromSeveralProcessesAreAtomic() throws {
        try runIsolated(in: Self.self) {
            let counter = try SharedValue(0)
            let perSlot = try SharedArray(repeating: 0, count: 4)
            let wide = try SharedValue(Wide(a: 0, b: 0, c: 0))
            let rounds = 20_000
            let children = try (0..<3).map { child in
                try ChildProcess.fork {
                    for _ in 0..<rounds {
                        counter.add(1)
                        perSlot.add(1, at: child)
                    }
                    for _ in 0..<1_000 {
                        try wide.withLock {
                            $0.a += 1
                            $0.c -= 1
                        }
                    }
                    return 0
                }
            }
            for _ in 0..<rounds {
                counter.add(1)
                perSlot.add(1, at: 3)
            }
            for child in children { try check(try joinChild(child) == .exited(0)) }
            try check(counter.load() == 4 * rounds)
            try check(perSlot.toArray() == Array(repeating: rounds, count: 4))
            try check(wide.load() == Wide(a: 3_000, b: 0, c: -3_000))
        }
    }

    /// A process killed inside `withLock`: the next `withLock` runs nothing
    /// and throws; plain reads and writes go on, and keep it pending.
    @Test func deathInsideWithLockIsReportedToTheNextWithLock() throws {
        try runIsolated(in: Self.self) {
            for wideValue in [false, true] {
                let value = try SharedValue(Wide(a: 1, b: 1, c: 1))
                let array = try SharedArray(repeating: 0, count: 4)
                let inside = try HandOff()
                let victim = try ChildProcess.fork {
                    if wideValue {
                        try value.withLock { _ in
                            inside.signal()
                            blockUntilKilled()
                        }
                    } else {
                        try array.withLock { buffer in
                            buffer[0] = 99
                            inside.signal()
                            blockUntilKilled()
                        }
                    }
                }
                try check(inside.wait() == 1)
                victim.kill()
                _ = try joinChild(victim)
                if wideValue {
                    try check(value.load() == Wide(a: 1, b: 1, c: 1), "the update was lost, not torn")
                    var ran = false
                    do {
                        try value.withLock { _ in ran = true }
                        throw CheckFailure(description: "no LockOwnerDied")
                    } catch is LockOwnerDied {}
                    try check(!ran)
                    try check(try value.withLock { $0.a } == 1, "usable again")
                } else {
                    try check(array[0] == 99, "the half-done update is visible for repair")
                    do {
                        try array.withLock { _ in }
                        throw CheckFailure(description: "no LockOwnerDied")
                    } catch is LockOwnerDied {}
                    try array.withLock { $0[0] = 0 }
                    try check(array.toArray() == [0, 0, 0, 0])
                }
                inside.close()
            }
        }
    }

    @Test func travelWithTheirDescriptors() throws {
        let value = try SharedValue(41)
        let received = try roundTripWithDescriptors(value)
        received.add(1)
        #expect(value.load() == 42)
        let array = try SharedArray([1.0, 2.0])
        let receivedArray = try roundTripWithDescriptors(array)
        receivedArray[1] = 5
        #expect(array.toArray() == [1.0, 5.0])
        #expect(throws: SharedMemoryError.self) {
            try SharedArray<Float>(memory: roundTripWithDescriptors(array.segment.memory))
        }
    }
}
