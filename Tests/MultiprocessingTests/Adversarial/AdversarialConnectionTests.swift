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

import Multiprocessing
import MultiprocessingTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private struct AdvMessage: Codable, Equatable, Sendable {
    var id: Int
    var text: String
}

extension AdversarialSuites {
    @Suite(.onItsOwnThreadOneAtATime, .timeLimit(.minutes(3)))
    struct AdversarialConnectionTests {
        @Test func sendAfterPeerClosedIsATypedError() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            b.close()
            // Small messages may first land in the buffer of a socket about to
            // vanish; one of a few must fail, and with peerClosed, never SIGPIPE.
            var failure: ConnectionError?
            for _ in 0..<4 {
                do { try a.send("hello") } catch {
                    failure = error
                    break
                }
            }
            #expect(failure == .peerClosed)
            #expect(throws: ConnectionError.peerClosed) { try a.sendBytes([UInt8](repeating: 1, count: 1 << 20)) }
            #expect(throws: ConnectionError.endOfStream) { _ = try a.receiveBytes() }
        }

        @Test func operationsAfterCloseThrowClosed() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            a.close()
            a.close()  // idempotent
            #expect(a.isClosed)
            #expect(!b.isClosed)
            #expect(throws: ConnectionError.closed) { try a.send(1) }
            #expect(throws: ConnectionError.closed) { _ = try a.receive(Int.self) }
            #expect(throws: ConnectionError.closed) { _ = try a.poll() }
            #expect(throws: ConnectionError.closed) { _ = try Connection.wait([a, b], timeout: .zero) }
            #expect(try b.poll(timeout: .seconds(1)), "end of stream is readable")
            #expect(throws: ConnectionError.endOfStream) { _ = try b.receive(Int.self) }
        }

        @Test func receivingTheWrongTypeKeepsTheConnectionUsable() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            try a.send(AdvMessage(id: 1, text: "one"))
            try a.send("just a string")
            try a.send([1, 2, 3])
            try a.send(AdvMessage(id: 2, text: "two"))
            #expect(throws: ConnectionError.self) { _ = try b.receive([Double].self) }
            #expect(throws: ConnectionError.self) { _ = try b.receive(AdvMessage.self) }
            #expect(throws: ConnectionError.self) { _ = try b.receive(Bool.self) }
            #expect(try b.receive(AdvMessage.self) == AdvMessage(id: 2, text: "two"))
        }

        @Test func wrongTypeErrorsAreDecodingFailures() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            try a.send("text")
            #expect {
                _ = try b.receive(Int.self)
            } throws: { error in
                if case ConnectionError.decodingFailed = error { return true }
                return false
            }
        }

        @Test func emptyMessages() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            try a.sendBytes([UInt8]())
            try a.sendBytes(EmptyCollection<UInt8>())
            try a.sendBytes([UInt8]()[...])
            try a.send("")
            try a.send([Int]())
            #expect(try b.receiveBytes() == [])
            #expect(try b.receiveBytes() == [])
            #expect(try b.receiveBytes() == [])
            #expect(try b.receive(String.self) == "")
            #expect(try b.receive([Int].self) == [])
            #expect(try b.poll() == false)
        }

        @Test func sixtyFourMegabyteMessagesBothWays() async throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            let size = 64 << 20
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let reader = PosixThread {
                guard let got = try? b.receiveBytes() else { return }
                try? b.sendBytes(got)
            }
            try reader.start()
            try a.sendBytes(payload)
            let echoed = try a.receiveBytes()
            #expect(reader.join(timeout: .seconds(30)))
            #expect(echoed.count == size)
            #expect(echoed == payload)
        }

        @Test func sixtyFourMegabyteCodableMessage() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            let text = String(repeating: "ab", count: 32 << 20)
            let writer = PosixThread { try? a.send(text) }
            try writer.start()
            let received = try b.receive(String.self)
            #expect(writer.join(timeout: .seconds(30)))
            #expect(received.utf8.count == 64 << 20)
            #expect(received == text)
        }

        @Test func nonContiguousByteCollections() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            try a.sendBytes((0..<10).lazy.map { UInt8($0) })
            try a.sendBytes(Set<UInt8>([7]))
            try a.sendBytes("héllo".utf8)
            #expect(try b.receiveBytes() == Array(0..<10))
            #expect(try b.receiveBytes() == [7])
            #expect(try b.receiveBytes() == Array("héllo".utf8))
        }

        @Test func concurrentSendersNeverInterleaveFrames() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            let senders = 8
            let perSender = 200
            let failures = AdvCounter()
            let threads = (0..<senders).map { s in
                PosixThread(name: "adv-send-\(s)") {
                    for i in 0..<perSender {
                        // Mixed sizes so some frames need several writes.
                        let length = (i % 5 == 0) ? 300_000 : (i % 97 + 1)
                        let message = AdvMessage(
                            id: s * 10_000 + i,
                            text: String(repeating: Character(UnicodeScalar(UInt8(65 + s))), count: length))
                        do { try a.send(message) } catch { failures.add() }
                    }
                }
            }
            let receiverFailures = AdvCounter()
            let receiver = PosixThread {
                var nextBySender = [Int](repeating: 0, count: senders)
                for _ in 0..<(senders * perSender) {
                    guard let message = try? b.receive(AdvMessage.self) else {
                        receiverFailures.add()
                        return
                    }
                    let s = message.id / 10_000
                    let i = message.id % 10_000
                    let expectedChar = Character(UnicodeScalar(UInt8(65 + s)))
                    if i != nextBySender[s] || !message.text.allSatisfy({ $0 == expectedChar }) {
                        receiverFailures.add()
                    }
                    nextBySender[s] = i + 1
                }
            }
            try receiver.start()
            for thread in threads { try thread.start() }
            for thread in threads { #expect(thread.join(timeout: .seconds(40))) }
            #expect(receiver.join(timeout: .seconds(40)))
            #expect(failures.value == 0)
            #expect(receiverFailures.value == 0)
        }

        @Test func simplexPipeUsedTheWrongWay() throws {
            let (receiving, sending) = try Multiprocessing.Pipe(duplex: false).ends
            #expect(throws: ConnectionError.notWritable) { try receiving.send(1) }
            #expect(throws: ConnectionError.notWritable) { try receiving.sendBytes([1]) }
            #expect(throws: ConnectionError.notReadable) { _ = try sending.receive(Int.self) }
            #expect(throws: ConnectionError.notReadable) { _ = try sending.receiveBytes() }
            #expect(throws: ConnectionError.notReadable) { _ = try sending.poll() }
            #expect(throws: ConnectionError.notReadable) { _ = try Connection.wait([sending], timeout: .zero) }
            try sending.send(5)
            #expect(try receiving.receive(Int.self) == 5)
            sending.close()
            #expect(throws: ConnectionError.endOfStream) { _ = try receiving.receive(Int.self) }
        }

        @Test func waitWithClosedAndEndedConnections() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            let (c, d) = try Multiprocessing.Pipe().ends
            #expect(try Connection.wait([a, c], timeout: .milliseconds(20)).isEmpty)
            #expect(try Connection.wait([], timeout: .milliseconds(20)).isEmpty)
            b.close()
            let ready = try Connection.wait([a, c], timeout: .seconds(1))
            #expect(ready.count == 1 && ready.first === a, "a peer that closed is readable")
            try d.send(3)
            #expect(try Connection.wait([a, c], timeout: .seconds(1)).count == 2)
            c.close()
            #expect(throws: ConnectionError.closed) { _ = try Connection.wait([a, c], timeout: .seconds(1)) }
        }

        @Test func closeWakesABlockedReceiver() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            defer { withExtendedLifetime(b) {} }  // the peer stays open: only close() may end the receive
            let result = AdvOnce<String>()
            let readerID = AdvOnce<pid_t>()
            let reader = PosixThread {
                readerID.set(currentThreadID())
                do {
                    _ = try a.receive(Int.self)
                    result.set("received")
                } catch { result.set("\(error)") }
            }
            try reader.start()
            #expect(
                pollUntil { readerID.get() != nil } && waitUntilBlocked(thread: readerID.get()!), "the receive blocks")
            a.close()
            #expect(reader.join(timeout: .seconds(5)))
            #expect(result.get() == "\(ConnectionError.closed)")
        }

        @Test func closeWakesAWaitCall() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            defer { withExtendedLifetime(b) {} }
            let result = AdvOnce<String>()
            let waiterID = AdvOnce<pid_t>()
            let waiter = PosixThread {
                waiterID.set(currentThreadID())
                do {
                    _ = try Connection.wait([a], timeout: .seconds(20))
                    result.set("returned")
                } catch { result.set("\(error)") }
            }
            try waiter.start()
            #expect(pollUntil { waiterID.get() != nil } && waitUntilBlocked(thread: waiterID.get()!), "the wait blocks")
            a.close()
            let joined = waiter.join(timeout: .seconds(5))
            #expect(joined, "Connection.wait was not woken by close()")
            if joined { #expect(result.get() == "\(ConnectionError.closed)") }
        }

        @Test func tinyMaximumMessageSize() throws {
            let (a, b) = try Multiprocessing.Pipe(maximumMessageSize: 16).ends
            try a.sendBytes([UInt8](repeating: 0, count: 17))
            #expect {
                _ = try b.receiveBytes()
            } throws: { error in
                if case ConnectionError.messageTooLarge(let size, let limit) = error {
                    return size == 17 && limit == 16
                }
                return false
            }
        }

        @Test func pipesDoNotLeakDescriptors() throws {
            let before = (try openDescriptorCount())
            for _ in 0..<500 {
                let (a, b) = try Multiprocessing.Pipe().ends
                try a.send(1)
                _ = try b.receive(Int.self)
            }
            for _ in 0..<200 {
                let (a, _) = try Multiprocessing.Pipe(duplex: false).ends
                a.close()
            }
            let after = (try openDescriptorCount())
            #expect(after - before < 10, "before \(before), after \(after)")
        }
    }
}
