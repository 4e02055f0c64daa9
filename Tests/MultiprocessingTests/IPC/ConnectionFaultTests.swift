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

/// Every fault of a peer or of the caller is a typed error, with nothing lost
/// and no hang. Bad input is written as raw bytes to the peer's descriptor.
@Suite("Connection: faults and bad input", .onItsOwnThread, .timeLimit(.minutes(1)))
struct ConnectionFaultTests {
    // Tests whose outcome depends on the peer's close run alone in a fresh
    // test runner (see `runIsolated`): a child forked by a test running in
    // parallel could otherwise hold a copy of the closed end.

    @Test func peerClosedBetweenMessagesIsEndOfStreamAfterEverythingSent() throws {
        try runIsolated(in: Self.self) {
            let (a, b) = try Pipe().ends
            try a.sendBytes([1])
            try a.send("last")
            a.close()
            try check(try b.receiveBytes() == [1])
            try check(try b.receive(String.self) == "last")
            try checkThrows(.endOfStream) { try b.receiveBytes() }
            try checkThrows(.endOfStream) { try b.receive(Int.self) }
        }
    }

    @Test func droppingTheLastReferenceClosesTheEnd() throws {
        try runIsolated(in: Self.self) {
            var (a, b): (Connection?, Connection) = try Pipe().ends
            try a?.sendBytes([5])
            a = nil
            try check(try b.receiveBytes() == [5])
            try checkThrows(.endOfStream) { try b.receiveBytes() }
        }
    }

    @Test func peerClosedInsideThePayloadIsATruncatedMessage() throws {
        try runIsolated(in: Self.self) {
            let (a, b) = try Pipe().ends
            try writeRaw(a.fileDescriptor, shortHeader(100) + [1, 2, 3, 4, 5])
            a.close()
            try checkThrows(.truncatedMessage(expected: 100, received: 5)) { try b.receiveBytes() }
        }
    }

    /// The end of a payload that is read straight into place (no buffering).
    @Test func peerClosedInsideALargePayloadIsATruncatedMessage() throws {
        try runIsolated(in: Self.self) {
            let (a, b) = try Pipe().ends
            try writeRaw(a.fileDescriptor, shortHeader(1 << 20) + pattern(count: 200_000))
            a.close()
            try checkThrows(.truncatedMessage(expected: 1 << 20, received: 200_000)) { try b.receiveBytes() }
        }
    }

    @Test func peerClosedInsideTheHeaderIsATruncatedMessage() throws {
        try runIsolated(in: Self.self) {
            let (a, b) = try Pipe().ends
            try writeRaw(a.fileDescriptor, Array(longHeader(5 << 30).prefix(7)))
            a.close()
            try checkThrows(.truncatedMessage(expected: nil, received: 7)) { try b.receiveBytes() }
        }
    }

    @Test func headerOverTheLimitFailsAtOnceAndForEver() throws {
        let (a, b) = try Pipe(maximumMessageSize: 1024).ends
        try writeRaw(a.fileDescriptor, shortHeader(1025) + [1, 2, 3])
        #expect(throws: ConnectionError.messageTooLarge(size: 1025, limit: 1024)) { try b.receiveBytes() }
        try a.sendBytes([1])  // the stream position is lost: later frames are unreachable
        #expect(throws: ConnectionError.messageTooLarge(size: 1025, limit: 1024)) { try b.receive(Int.self) }
    }

    /// The long (escape) form, claiming more than 4 GiB, against a small limit.
    @Test func longHeaderOverTheLimitFails() throws {
        let (a, b) = try Pipe(maximumMessageSize: 64 << 20).ends
        try writeRaw(a.fileDescriptor, longHeader(5 << 30))
        #expect(throws: ConnectionError.messageTooLarge(size: 5 << 30, limit: 64 << 20)) { try b.receiveBytes() }
    }

    /// With the default limit, a header claiming more than the machine's
    /// memory (here the largest length the format can carry) fails at once.
    @Test func headerOverPhysicalMemoryFails() throws {
        let (a, b) = try Pipe().ends
        b.maximumMessageSize = .max
        try writeRaw(a.fileDescriptor, longHeader(.max))
        #expect(throws: ConnectionError.messageTooLarge(size: .max, limit: Connection.defaultMaximumMessageSize)) {
            try b.receiveBytes()
        }
    }

    /// A header that claims gigabytes (under the limit) with five bytes behind
    /// it costs no memory of that size before end of stream exposes it.
    @Test func hugeClaimUnderTheLimitAllocatesNothingOfItsSize() throws {
        let claimed = min(8 << 30, Connection.defaultMaximumMessageSize / 2)
        try runIsolated(in: Self.self) {
            let (a, b) = try Pipe().ends
            let before = try residentMemory()
            try writeRaw(a.fileDescriptor, longHeader(UInt64(claimed)) + [1, 2, 3, 4, 5])
            a.close()
            try checkThrows(.truncatedMessage(expected: claimed, received: 5)) { try b.receiveBytes() }
            let grown = try residentMemory() - before
            try check(grown < 96 << 20, "resident memory grew by \(grown) bytes")
        }
    }

    @Test func longFormForAShortLengthIsMalformed() throws {
        let (a, b) = try Pipe().ends
        try writeRaw(a.fileDescriptor, longHeader(3) + [1, 2, 3])
        #expect(
            throws: ConnectionError.malformedFrame("a long frame header announces 3 bytes, which needs the short form")
        ) {
            try b.receiveBytes()
        }
    }

    /// A message that is not the requested type is consumed, and the next one is received.
    @Test func decodingFailureLeavesTheConnectionUsable() throws {
        let (a, b) = try Pipe().ends
        try a.sendBytes(Array("not a sample".utf8))
        try a.send(Sample(id: 1, name: "ok", values: []))
        try a.sendBytes([])
        try a.send(7)
        let error = #expect(throws: ConnectionError.self) { try b.receive(Sample.self) }
        guard case let .decodingFailed(type, _)? = error else {
            Issue.record("expected decodingFailed, got \(String(describing: error))")
            return
        }
        #expect(type.hasSuffix("Sample"))
        #expect(try b.receive(Sample.self) == Sample(id: 1, name: "ok", values: []))
        #expect(throws: ConnectionError.self) { try b.receive(Int.self) }
        #expect(try b.receive(Int.self) == 7)
    }

    @Test func encodingFailureSendsNothing() throws {
        struct Unencodable: Encodable {
            func encode(to encoder: any Encoder) throws {
                throw EncodingError.invalidValue(0, .init(codingPath: [], debugDescription: "refused"))
            }
        }
        let (a, b) = try Pipe().ends
        let error = #expect(throws: ConnectionError.self) { try a.send(Unencodable()) }
        guard case .encodingFailed? = error else {
            Issue.record("expected encodingFailed, got \(String(describing: error))")
            return
        }
        try a.send(3)
        #expect(try b.receive(Int.self) == 3)
    }

    /// A send to a closed peer is an error, never SIGPIPE (the process survives).
    @Test func sendToAClosedPeerThrows() throws {
        try runIsolated(in: Self.self) {
            for duplex in [true, false] {
                for count in [1, 4 << 20] {
                    let (receiver, sender) = try Pipe(duplex: duplex).ends
                    receiver.close()
                    try checkThrows(.peerClosed) { try sender.sendBytes([UInt8](repeating: 0, count: count)) }
                    try checkThrows(.peerClosed) { try sender.send("again") }
                }
            }
        }
    }

    @Test func everyOperationAfterCloseThrowsClosed() throws {
        let (a, b) = try Pipe().ends
        a.close()
        a.close()  // idempotent
        #expect(a.isClosed && !b.isClosed)
        #expect(throws: ConnectionError.closed) { try a.send(1) }
        #expect(throws: ConnectionError.closed) { try a.sendBytes([1]) }
        #expect(throws: ConnectionError.closed) { try a.receiveBytes() }
        #expect(throws: ConnectionError.closed) { try a.receive(Int.self) }
        #expect(throws: ConnectionError.closed) { try a.poll() }
        #expect(throws: ConnectionError.closed) { try Connection.wait([b, a], timeout: .zero) }
    }

    /// close() from another thread wakes a receive blocked on the same connection.
    @Test func closeWakesABlockedReceive() throws {
        let (a, b) = try Pipe().ends
        let outcome = Box<ConnectionError?>(nil)
        let reader = TestThread {
            do throws(ConnectionError) { _ = try b.receiveBytes() } catch { outcome.value = error }
        }
        #expect(reader.waitUntilBlocked(), "the reader blocks in recv")
        b.close()
        reader.join()
        #expect(outcome.value == .closed)
        _ = a
    }

    /// A send blocked on a full socket buffer (the peer does not read) is woken too.
    @Test func closeWakesABlockedSend() throws {
        let (a, b) = try Pipe().ends
        let outcome = Box<ConnectionError?>(nil)
        let sender = TestThread {
            do throws(ConnectionError) {
                try a.sendBytes([UInt8](repeating: 1, count: 64 << 20))
            } catch {
                outcome.value = error
            }
        }
        #expect(sender.waitUntilBlocked(), "the sender fills the buffers and blocks")
        a.close()
        sender.join()
        #expect(outcome.value == .closed)
        _ = b
    }

    /// Threads sending, receiving and polling while another closes: each
    /// operation either completes or throws `.closed`; nothing crashes, hangs
    /// or touches a reused descriptor.
    @Test func closeRacingWithOperationsIsSafe() throws {
        for _ in 0..<50 {
            let (a, b) = try Pipe().ends
            let unexpected = Box<[ConnectionError]>([])
            let sent = AdvCounter()
            let workers = [
                TestThread {
                    while true {
                        do throws(ConnectionError) {
                            try a.sendBytes([1, 2, 3])
                            sent.add()
                        } catch {
                            if error != .closed { unexpected.value.append(error) }
                            return
                        }
                    }
                },
                TestThread {
                    while true {
                        do throws(ConnectionError) { _ = try a.receiveBytes() } catch {
                            if error != .closed { unexpected.value.append(error) }
                            return
                        }
                    }
                },
                TestThread {
                    while true {
                        do throws(ConnectionError) { _ = try a.poll(timeout: .milliseconds(1)) } catch {
                            if error != .closed { unexpected.value.append(error) }
                            return
                        }
                    }
                },
            ]
            let echo = TestThread {
                while let message = try? b.receiveBytes() { try? b.sendBytes(message) }
            }
            #expect(pollUntil { sent.value >= 3 }, "the operations are under way")
            a.close()
            workers.forEach { $0.join() }
            b.close()
            echo.join()
            #expect(unexpected.value.isEmpty)
        }
    }

    @Test func closeWakesABlockedWait() throws {
        let (a, b) = try Pipe().ends
        let outcome = Box<ConnectionError?>(nil)
        let waiter = TestThread {
            do throws(ConnectionError) { _ = try Connection.wait([b], timeout: nil) } catch { outcome.value = error }
        }
        #expect(waiter.waitUntilBlocked(), "the waiter blocks in poll")
        b.close()
        waiter.join()
        #expect(outcome.value == .closed)
        _ = a
    }

    @Test func descriptionsNameWhatHappened() {
        #expect(ConnectionError.endOfStream.description.contains("end of stream"))
        #expect(ConnectionError.truncatedMessage(expected: 10, received: 3).description.contains("3 of 10"))
        #expect(ConnectionError.messageTooLarge(size: 9, limit: 8).description.contains("limit is 8"))
        #expect(
            ConnectionError.system(operation: "recv", errno: .badFileDescriptor).description.hasPrefix("recv failed"))
    }
}
