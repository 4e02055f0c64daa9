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

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Connection: messages", .onItsOwnThreadOneAtATime, .timeLimit(.minutes(3)))
struct ConnectionTests {
    @Test func codableRoundTripBothWays() throws {
        let (a, b) = try Pipe().ends
        let sample = Sample(id: 42, name: "réponse", values: [1.5, -2, .pi])
        try a.send(sample)
        #expect(try b.receive(Sample.self) == sample)
        try b.send(["x": 1, "y": 2])
        #expect(try a.receive([String: Int].self) == ["x": 1, "y": 2])
    }

    /// Sizes around the read buffer and a large one, each in both directions
    /// of a duplex pipe and through a one-way pipe, with a concurrent reader.
    @Test(arguments: [0, 1, 65_537, 100 << 20], [true, false])
    func bytesOfEverySizeArriveIntact(count: Int, duplex: Bool) throws {
        let (receiver, sender) = try Pipe(duplex: duplex).ends
        let payload = pattern(count: count, seed: UInt8(truncatingIfNeeded: count))
        let received = Box<[UInt8]?>(nil)
        let reader = TestThread { received.value = try? receiver.receiveBytes() }
        try sender.sendBytes(payload)
        reader.join()
        #expect(received.value?.count == count)
        #expect(received.value == payload)
    }

    /// One message of more than 4 GiB (the long header form, a length past
    /// 32 bits) arrives intact; alone in a fresh runner, for its memory.
    @Test(.timeLimit(.minutes(2)))
    func aMessageOfMoreThanFourGiBArrivesIntact() throws {
        try runIsolated(in: Self.self) {
            let count = (1 << 32) + 3
            let (receiver, sender) = try Pipe(duplex: false).ends
            let writer = TestThread {
                var payload = [UInt8](repeating: 0x5A, count: count)
                for (index, marker) in [(0, 1), (1 << 31, 2), (1 << 32, 3), (count - 1, 4)] as [(Int, UInt8)] {
                    payload[index] = marker
                }
                try? sender.sendBytes(payload)
            }
            var received = try receiver.receiveBytes()
            writer.join()
            try check(received.count == count, "received \(received.count) bytes")
            for (index, marker) in [(0, 1), (1 << 31, 2), (1 << 32, 3), (count - 1, 4)] as [(Int, UInt8)] {
                try check(received[index] == marker, "byte \(index)")
                received[index] = 0x5A
            }
            try check(isFilled(received[...], with: 0x5A), "the other bytes")
        }
    }

    @Test func nonContiguousCollectionsAreSentToo() throws {
        let (a, b) = try Pipe().ends
        try a.sendBytes((0..<200).lazy.map { UInt8($0) })
        try a.sendBytes(Set<UInt8>([9]))
        #expect(try b.receiveBytes() == Array(0..<200))
        #expect(try b.receiveBytes() == [9])
    }

    @Test func oneWayPipeHasAReceivingAndASendingEnd() throws {
        let (receiver, sender) = try Pipe(duplex: false).ends
        #expect(receiver.isReadable && !receiver.isWritable)
        #expect(sender.isWritable && !sender.isReadable)
        #expect(throws: ConnectionError.notWritable) { try receiver.send(1) }
        #expect(throws: ConnectionError.notWritable) { try receiver.sendBytes([1]) }
        #expect(throws: ConnectionError.notReadable) { try sender.receiveBytes() }
        #expect(throws: ConnectionError.notReadable) { try sender.poll() }
        try sender.send("one way")
        #expect(try receiver.receive(String.self) == "one way")
    }

    @Test func everyDescriptorIsCloseOnExec() throws {
        for duplex in [true, false] {
            let (a, b) = try Pipe(duplex: duplex).ends
            #expect(isCloseOnExec(a.fileDescriptor))
            #expect(isCloseOnExec(b.fileDescriptor))
        }
    }

    @Test func manyMessagesInFlightKeepTheirBoundaries() throws {
        let (a, b) = try Pipe().ends
        let payloads = (0..<200).map { pattern(count: $0 * 37 % 5000, seed: UInt8($0)) }
        let reader = TestThread {
            for payload in payloads { try? b.sendBytes(payload) }
        }
        for payload in payloads { #expect(try a.receiveBytes() == payload) }
        reader.join()
    }

    /// Two threads sending at once never interleave their frames.
    @Test func concurrentSendersDoNotInterleave() throws {
        let (a, b) = try Pipe().ends
        let senders = (0..<2).map { seed in
            TestThread {
                for index in 0..<300 {
                    try? a.sendBytes([UInt8](repeating: UInt8(seed), count: 1 + index * 97 % 100_000))
                }
            }
        }
        for _ in 0..<600 {
            let message = try b.receiveBytes()
            #expect(!message.isEmpty && message.allSatisfy { $0 == message[0] })
        }
        senders.forEach { $0.join() }
    }

    /// Measured alone in a fresh test runner (`runIsolated`), so that tests
    /// running in parallel do not move the process-wide counts.
    @Test func tenThousandMessagesLeakNoDescriptorsNorMemory() throws {
        let payload = pattern(count: 1000)
        func exchange(_ count: Int, _ a: Connection, _ b: Connection) throws {
            for index in 0..<count {
                try a.sendBytes(payload)
                guard try b.receiveBytes() == payload else { throw ConnectionError.malformedFrame("mismatch") }
                try b.send(Sample(id: index, name: "n", values: [1]))
                guard try a.receive(Sample.self).id == index else { throw ConnectionError.malformedFrame("mismatch") }
            }
        }
        try runIsolated(in: Self.self) {
            let (a, b) = try Pipe().ends
            try exchange(500, a, b)  // warms up allocator caches
            let descriptors = try openDescriptorCount()
            let memory = try residentMemory()
            try exchange(10_000, a, b)
            try check(try openDescriptorCount() == descriptors, "descriptors grew")
            let grown = try residentMemory() - memory
            try check(grown < 4 << 20, "resident memory grew by \(grown) bytes")
        }
    }

    @Test func pipesClosedOrDroppedReleaseTheirDescriptors() throws {
        try runIsolated(in: Self.self) {
            let before = try openDescriptorCount()
            for index in 0..<1000 {
                let (a, b) = try Pipe(duplex: index.isMultiple(of: 2)).ends
                if index.isMultiple(of: 3) { a.close() }
                _ = b.isClosed
            }
            try check(try openDescriptorCount() == before, "descriptors leaked")
        }
    }

    @Test func maximumMessageSizeIsAdjustable() throws {
        let (a, b) = try Pipe(maximumMessageSize: 10).ends
        #expect(b.maximumMessageSize == 10)
        try a.sendBytes([UInt8](repeating: 1, count: 10))
        #expect(try b.receiveBytes().count == 10)
        b.maximumMessageSize = 100
        try a.sendBytes([UInt8](repeating: 1, count: 100))
        #expect(try b.receiveBytes().count == 100)
        #expect(Connection.defaultMaximumMessageSize > 1 << 20)
        #expect(try Pipe().ends.0.maximumMessageSize == Connection.defaultMaximumMessageSize)
    }

    @Test func pollSeesMessagesAndEndOfStream() throws {
        let (a, b) = try Pipe().ends
        #expect(try !b.poll())
        #expect(try !b.poll(timeout: .milliseconds(20)))
        try a.sendBytes([1])
        try a.sendBytes([2])
        #expect(try b.poll(timeout: .seconds(5)))
        #expect(try b.receiveBytes() == [1])
        #expect(try b.poll())  // the second message is already buffered
        #expect(try b.receiveBytes() == [2])
        #expect(try !b.poll())
        a.close()
        // End of stream is readable. Not at once: a child forked meanwhile by a
        // test running in parallel may hold a copy of `a` until it exits.
        #expect(try b.poll(timeout: .seconds(20)))
        #expect(throws: ConnectionError.endOfStream) { try b.receiveBytes() }
    }
}
