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
import SystemPackage
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// A value that holds shared objects beside plain fields; `again` is the
/// same counter as `counter`.
struct CounterAndLock: Codable {
    var name: String
    var counter: SharedValue<Int>
    var lock: ProcessLock
    var again: SharedValue<Int>
}

/// The plain part of ``CounterAndLock`` only: decoding it leaves the shared
/// objects' descriptors untaken.
struct NameOnly: Codable {
    var name: String
}

@Suite("Descriptor passing over connections", .timeLimit(.minutes(1)))
struct DescriptorPassingTests {
    // MARK: send(fileDescriptor:) and receiveFileDescriptor()

    @Test func aDescriptorTravelsAndTheSenderKeepsItsCopy() throws {
        let (sender, receiver) = try Pipe().ends
        let (file, peer) = try makeSocketPair()
        defer {
            closeDescriptor(file)
            closeDescriptor(peer)
        }
        try sender.send(fileDescriptor: file)
        #expect(fcntl(file, F_GETFD) != -1, "the sender keeps its descriptor")
        let received = try receiver.receiveFileDescriptor()
        defer { closeDescriptor(received) }
        #expect(received != file)
        #expect(isCloseOnExec(received))
        #expect(try fileIdentity(of: received) == fileIdentity(of: file), "the same open file")
        try writeRaw(received, [42])
        #expect(try readRaw(peer, count: 1) == [42])
    }

    // MARK: The same as swift-system's FileDescriptor

    /// A `FileDescriptor` travels, and is received as one; either form
    /// receives what the other sent.
    @Test func aSystemFileDescriptorTravelsAndTheSenderKeepsItsCopy() throws {
        let (sender, receiver) = try Pipe().ends
        let (fileEnd, peer) = try makeSocketPair()
        let file = FileDescriptor(rawValue: fileEnd)
        defer {
            try? file.close()
            closeDescriptor(peer)
        }
        try sender.send(fileDescriptor: file)
        #expect(fcntl(file.rawValue, F_GETFD) != -1, "the sender keeps its descriptor")
        let received = try receiver.receiveFileDescriptor(as: FileDescriptor.self)
        defer { try? received.close() }
        #expect(received != file)
        #expect(isCloseOnExec(received.rawValue))
        #expect(try fileIdentity(of: received.rawValue) == fileIdentity(of: file.rawValue), "the same open file")
        #expect(try received.writeAll([42]) == 1)
        #expect(try readRaw(peer, count: 1) == [42])

        try sender.send(fileDescriptor: file.rawValue)
        let asSystem = try receiver.receiveFileDescriptor(as: FileDescriptor.self)
        try sender.send(fileDescriptor: file)
        let asInt32: Int32 = try receiver.receiveFileDescriptor()
        defer {
            try? asSystem.close()
            closeDescriptor(asInt32)
        }
        #expect(try fileIdentity(of: asSystem.rawValue) == fileIdentity(of: asInt32), "the two forms are one mechanism")
    }

    @Test func theSystemFormsFailAsTheInt32Forms() throws {
        let (sender, receiver) = try Pipe().ends
        try checkThrows(.system(operation: "sendmsg", errno: .badFileDescriptor)) {
            try sender.send(fileDescriptor: FileDescriptor(rawValue: UnopenedDescriptor.number))
        }
        try sender.send(5)
        try sender.send(6)
        try checkThrows(.noDescriptor) { try receiver.receiveFileDescriptor(as: FileDescriptor.self) }
        #expect(try receiver.receive(Int.self) == 6, "the message was consumed, the next one is intact")
        sender.close()
        try checkThrows(.endOfStream) { try receiver.receiveFileDescriptor(as: FileDescriptor.self) }
    }

    @Test func theConnectionsDescriptorAsASystemFileDescriptor() throws {
        let (a, b) = try Pipe().ends
        #expect(a.fileDescriptor(as: FileDescriptor.self) == FileDescriptor(rawValue: a.fileDescriptor))
        #expect(a.fileDescriptor(as: FileDescriptor.self) != b.fileDescriptor(as: FileDescriptor.self))
        // It is the connection's own: bytes written to it arrive as a frame.
        try b.sendBytes([7, 8])
        #expect(
            try pollReadable([a.fileDescriptor(as: FileDescriptor.self).rawValue], until: .after(.seconds(10))).count
                == 1)
        #expect(try a.receiveBytes() == [7, 8])
    }

    @Test func receiveFileDescriptorOnAMessageWithoutOneIsATypedError() throws {
        let (sender, receiver) = try Pipe().ends
        try sender.send(5)
        try sender.send(6)
        try checkThrows(.noDescriptor) { try receiver.receiveFileDescriptor() }
        #expect(try receiver.receive(Int.self) == 6, "the message was consumed, the next one is intact")
    }

    @Test func receiveFileDescriptorRefusesAValueWithSharedObjects() throws {
        let (sender, receiver) = try Pipe().ends
        let label = uniqueLabel()
        try sender.send(try SharedValue<Int>(memory: labelledSegment(label)))
        try checkThrows(.unexpectedDescriptors(count: 1)) { try receiver.receiveFileDescriptor() }
        #expect(descriptorsLabelled(label) == 0, "what came was closed (the sender's copy is gone too)")
    }

    // MARK: Unexpected descriptors

    /// A descriptor a receive does not take is closed: the peer of a socket
    /// sent (and closed by the sender) then sees end of stream.
    @Test func receiveBytesAndReceiveCloseDescriptorsTheyDoNotTake() throws {
        let (sender, receiver) = try Pipe().ends
        for receive in [{ _ = try receiver.receiveBytes() }, { _ = try receiver.receive(Int.self) }]
            as [() throws -> Void]
        {
            let (file, peer) = try makeSocketPair()
            defer { closeDescriptor(peer) }
            try sender.send(fileDescriptor: file)
            closeDescriptor(file)
            try checkThrows(.unexpectedDescriptors(count: 1), receive)
            #expect(try readRaw(peer, count: 1) == [], "every copy of the sent socket is closed")
            try sender.sendBytes([1, 2])
            #expect(try receiver.receiveBytes() == [1, 2], "the connection stays usable")
        }
    }

    @Test func aValueThatIgnoresSharedObjectsClosesTheirDescriptors() throws {
        let (sender, receiver) = try Pipe().ends
        let label = uniqueLabel()
        let counter = try SharedValue<Int>(memory: labelledSegment(label))
        try sender.send(CounterAndLock(name: "n", counter: counter, lock: try ProcessLock(), again: counter))
        try checkThrows(.unexpectedDescriptors(count: 2)) { try receiver.receive(NameOnly.self) }
        #expect(descriptorsLabelled(label) == 1, "only the sender's own descriptor is left")
        try sender.send(7)
        #expect(try receiver.receive(Int.self) == 7)
    }

    // MARK: Values with shared objects

    /// Several descriptors in one value; the same segment twice travels once
    /// and arrives as one object.
    @Test func aValueCarriesSeveralDescriptorsEachSegmentOnce() throws {
        let (senderEnd, readerEnd) = try makeSocketPair()
        defer { closeDescriptor(readerEnd) }
        let sender = try Connection(adopting: senderEnd, readable: false, writable: true)
        let counter = try SharedValue(1)
        let lock = try ProcessLock()
        try sender.send(CounterAndLock(name: "pair", counter: counter, lock: lock, again: counter))
        var reader = FrameReader(maximumMessageSize: 1 << 20)
        var received: CounterAndLock?
        _ = try reader.next(from: readerEnd) { payload, descriptors in
            guard case let .received(incoming) = descriptors else { return }
            #expect(incoming.count == 2, "one descriptor per distinct segment")
            received = try? payload.withBytes {
                try MessageCoding.decode(CounterAndLock.self, from: $0, descriptors: incoming)
            }
            incoming.closeUnclaimed()
        }
        let value = try #require(received)
        #expect(value.counter.segment.memory === value.again.segment.memory, "one mapping for one segment")
        value.counter.add(1)
        #expect(counter.load() == 2)
        try lock.lock()
        let receivedLock = value.lock
        let heldElsewhere = Box(false)
        TestThread { heldElsewhere.value = (try? receivedLock.tryLock()) == false }.join()
        lock.unlock()
        #expect(heldElsewhere.value, "the received lock is the same lock")
    }

    @Test func valuesWithSharedObjectsRoundTripThroughAPipe() throws {
        let (parentEnd, childEnd) = try Pipe().ends
        let queue = try ProcessQueue<String>()
        try parentEnd.send([queue, queue])
        let received = try childEnd.receive([ProcessQueue<String>].self)
        #expect(received[0].segment.memory === received[1].segment.memory, "one segment, one mapping")
        try received[1].put("via the received queue")
        #expect(try queue.get(timeout: .seconds(5)) == "via the received queue")
    }

    @Test func aDescriptorTheKernelRefusesSendsNothing() throws {
        let (sender, receiver) = try Pipe().ends
        try checkThrows(.system(operation: "sendmsg", errno: .badFileDescriptor)) {
            try sender.send(UnopenedDescriptor())
        }
        try checkThrows(.system(operation: "sendmsg", errno: .badFileDescriptor)) {
            try sender.send(fileDescriptor: UnopenedDescriptor.number)
        }
        try sender.send("next")
        #expect(try receiver.receive(String.self) == "next", "nothing of the refused messages was sent")
    }

    // MARK: Framing: descriptors go to exactly their frame

    /// Frames with and without descriptors, written in several patterns
    /// (one call per frame, all at once, byte by byte, past the read buffer,
    /// past 253 descriptors): each frame gets exactly its own descriptors.
    @Test(arguments: WritePattern.allCases)
    func eachFrameGetsExactlyItsDescriptors(pattern: WritePattern) throws {
        let (writerEnd, readerEnd) = try makeSocketPair()
        defer { closeDescriptor(readerEnd) }
        let frames = try [
            TestFrame(payload: 10, descriptors: 0), TestFrame(payload: 5, descriptors: 2),
            TestFrame(payload: 3, descriptors: 0), TestFrame(payload: 100_000, descriptors: 1),
            TestFrame(payload: 0, descriptors: 0), TestFrame(payload: 400, descriptors: 300),
            TestFrame(payload: 20, descriptors: 1), TestFrame(payload: 7, descriptors: 3),
            TestFrame(payload: 1, descriptors: 0),
        ]
        let writer = TestThread {
            defer { closeDescriptor(writerEnd) }
            try! pattern.write(frames, to: writerEnd)
        }
        var reader = FrameReader(maximumMessageSize: 1 << 20)
        for (index, frame) in frames.enumerated() {
            var arrived: [FileIdentity]?
            var payloadCount = -1
            _ = try reader.next(from: readerEnd) { payload, descriptors in
                payloadCount = payload.withBytes { $0.count }
                switch descriptors {
                case .none:
                    arrived = []
                case let .received(incoming):
                    arrived = (0..<incoming.count).compactMap { index in
                        incoming.take(index).map { fd in
                            defer { closeDescriptor(fd) }
                            #expect(isCloseOnExec(fd))
                            return try! fileIdentity(of: fd)
                        }
                    }
                case let .failed(error):
                    Issue.record("frame \(index): \(error)")
                }
            }
            #expect(payloadCount == frame.payload.count, "frame \(index)")
            let exact = arrived == frame.identities
            #expect(
                exact,
                "frame \(index) got \(arrived?.count ?? -1) descriptors, not exactly its \(frame.identities.count)")
        }
        writer.join()
        #expect(try reader.next(from: readerEnd) { _, _ in } == .endOfStream)
        frames.forEach { $0.close() }
    }

    @Test func descriptorsOnAFrameThatDoesNotAnnounceThemAreClosed() throws {
        let (writerEnd, readerEnd) = try makeSocketPair()
        defer { closeDescriptor(writerEnd) }
        let (file, peer) = try makeSocketPair()
        defer { closeDescriptor(peer) }
        // A peer that attaches a descriptor to an ordinary frame.
        let rogue = FrameHeader.encode(payloadCount: 2) + [1, 2]
        try rogue.withUnsafeBytes { bytes in
            try SocketIO.writeAll(
                writerEnd, bytes, attachments: [DescriptorAttachment(offset: 0, end: bytes.count, descriptors: [file])])
        }
        closeDescriptor(file)
        try writeRaw(writerEnd, FrameHeader.encode(payloadCount: 1) + [9])
        let receiver = try Connection(adopting: readerEnd, readable: true, writable: false)
        try checkThrows(.unexpectedDescriptors(count: 1)) { try receiver.receiveBytes() }
        #expect(try readRaw(peer, count: 1) == [], "the rogue descriptor was closed")
        #expect(try receiver.receiveBytes() == [9])
    }

    @Test func aFrameAnnouncingDescriptorsThatDoNotComeIsATypedError() throws {
        let (writerEnd, readerEnd) = try makeSocketPair()
        defer { closeDescriptor(writerEnd) }
        var header = [UInt8](repeating: 0, count: FrameHeader.descriptorFormCount)
        header.withUnsafeMutableBytes { _ = FrameHeader.encode(payloadCount: 1, descriptors: 2, into: $0.baseAddress!) }
        try writeRaw(writerEnd, header + [3] + FrameHeader.encode(payloadCount: 1) + [4])
        let receiver = try Connection(adopting: readerEnd, readable: true, writable: false)
        try checkThrows(.missingDescriptors(expected: 2, received: 0)) { try receiver.receive(Int.self) }
        #expect(try receiver.receiveBytes() == [4])
    }

    @Test func theDescriptorFormOfTheHeaderRoundTrips() throws {
        var header = [UInt8](repeating: 0, count: FrameHeader.maximumCount)
        let count = header.withUnsafeMutableBytes {
            FrameHeader.encode(payloadCount: 5, descriptors: 3, into: $0.baseAddress!)
        }
        #expect(count == 16)
        #expect(Array(header[..<8]) == [0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 0, 3])
        #expect(
            try header.withUnsafeBytes { try FrameHeader.decode($0) }
                == .complete(payloadCount: 5, headerCount: 16, descriptors: 3))
        #expect(
            try header.withUnsafeBytes { try FrameHeader.decode(UnsafeRawBufferPointer(rebasing: $0[..<15])) }
                == .incomplete)
        header[7] = 0
        #expect(throws: FrameError.malformed("a descriptor frame header announces no descriptor")) {
            try header.withUnsafeBytes { try FrameHeader.decode($0) }
        }
    }

    // MARK: Limits

    /// At the open-file limit the kernel truncates the control message: a
    /// typed error, everything that arrived closed, the connection usable.
    @Test func truncationAtTheOpenFileLimitIsATypedErrorAndLeaksNothing() throws {
        try runIsolated(in: Self.self) {
            let (sender, receiver) = try Pipe().ends
            let counters = try (0..<12).map { _ in try SharedValue(0) }
            var saved = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved)
            defer { setrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved) }
            _ = try lowerOpenFileLimit(leavingRoom: 5)
            let before = try openDescriptorCount()
            try sender.send(counters)
            try checkThrows(ConnectionError.descriptorsTruncated) { try receiver.receive([SharedValue<Int>].self) }
            try check(try openDescriptorCount() == before, "everything received was closed")
            try sender.send(Array(counters[..<2]))
            let two = try receiver.receive([SharedValue<Int>].self)
            two[1].add(3)
            try check(counters[1].load() == 3, "the connection stays usable")
        }
    }

    /// Thousands of transfers, taken and refused, leave the descriptor count where it was.
    @Test func descriptorCountsStayFlatOverThousandsOfTransfers() throws {
        try runIsolated(in: Self.self) {
            let (sender, receiver) = try Pipe().ends
            let counter = try SharedValue(0)
            let before = try openDescriptorCount()
            for round in 0..<3_000 {
                try sender.send(
                    CounterAndLock(name: "\(round)", counter: counter, lock: try ProcessLock(), again: counter))
                switch round % 3 {
                case 0: try receiver.receive(CounterAndLock.self).counter.add(1)
                case 1:
                    try checkThrows(ConnectionError.unexpectedDescriptors(count: 2)) {
                        try receiver.receive(NameOnly.self)
                    }
                default:
                    try checkThrows(ConnectionError.unexpectedDescriptors(count: 2)) { try receiver.receiveBytes() }
                }
                try sender.send(fileDescriptor: counter.segment.memory.descriptor)
                closeDescriptor(try receiver.receiveFileDescriptor())
            }
            try check(counter.load() == 1_000)
            try check(try openDescriptorCount() == before, "descriptors leaked")
        }
    }

    // MARK: Not a Unix socket

    @Test func aTCPConnectionRefusesDescriptorsAndSendsNamedSegmentsByName() throws {
        let (clientEnd, serverEnd) = try tcpLoopbackPair()
        let client = try Connection(adopting: clientEnd, readable: true, writable: true)
        let server = try Connection(adopting: serverEnd, readable: true, writable: true)
        try checkThrows(.descriptorPassingUnsupported) { try client.send(fileDescriptor: 0) }
        try checkThrows(.descriptorPassingUnsupported) { try server.receiveFileDescriptor() }
        do {
            try client.send(try SharedValue(1))
            Issue.record("an anonymous segment cannot travel over TCP")
        } catch let ConnectionError.encodingFailed(_, description) {
            #expect(description == String(describing: SharedMemoryError.descriptorTransferUnavailable))
        }
        let name = uniqueSegmentName("tcp")
        let named = try SharedMemory(name: name, size: 8)
        try client.send(named)
        let received = try server.receive(SharedMemory.self)
        received.withUnsafeMutableBytes { $0[3] = 7 }
        #expect(named.withUnsafeMutableBytes { $0[3] } == 7, "attached by name")
        try server.send("still usable")
        #expect(try client.receive(String.self) == "still usable")
    }
}

// MARK: Helpers

/// A label unique to this process and call, for anonymous segments.
private func uniqueLabel() -> String {
    "spm-fdpass-\(getpid())-\(SegmentNames.next())"
}

/// An anonymous segment laid out as a `SharedValue<Int>`, whose descriptor
/// carries `label` in /proc/self/fd (counted with ``descriptorsLabelled(_:)``).
private func labelledSegment(_ label: String) throws -> SharedMemory {
    let template = try SharedValue<Int>(0).segment.memory
    let copy = try SharedMemory(anonymousSize: template.size, label: label)
    copy.withUnsafeMutableBytes { target in
        template.withUnsafeMutableBytes { target.copyMemory(from: UnsafeRawBufferPointer($0)) }
    }
    return copy
}

/// A connected pair of TCP sockets over the loopback interface.
private func tcpLoopbackPair() throws -> (client: Int32, server: Int32) {
    let listener = try valueOrErrno { socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
    defer { closeDescriptor(listener) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    try withUnsafeMutablePointer(to: &address) { pointer in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            try nothingOrErrno { bind(listener, raw, length) }
            try nothingOrErrno { listen(listener, 1) }
            try nothingOrErrno { getsockname(listener, raw, &length) }
        }
    }
    let client = try valueOrErrno { socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
    try withUnsafePointer(to: &address) { pointer in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            try nothingOrErrno { connect(client, raw, length) }
        }
    }
    let server = try valueOrErrno { accept(listener, nil, nil) }  // the connection adopts it close-on-exec
    return (client, server)
}

/// A frame of the framing test: its payload, and memory files as its descriptors.
struct TestFrame {
    let payload: [UInt8]
    let descriptors: [Int32]
    let identities: [FileIdentity]

    init(payload count: Int, descriptors descriptorCount: Int) throws {
        payload = (0..<count).map { UInt8(truncatingIfNeeded: $0) }
        descriptors = try (0..<descriptorCount).map { _ in try createAnonymousMemoryFile(label: "spm-test-frame") }
        identities = try descriptors.map { try fileIdentity(of: $0) }
    }

    /// The frame's bytes: header (the descriptor form if it has descriptors) and payload.
    var bytes: [UInt8] {
        var header = [UInt8](repeating: 0, count: FrameHeader.maximumCount)
        let count = header.withUnsafeMutableBytes {
            FrameHeader.encode(payloadCount: payload.count, descriptors: descriptors.count, into: $0.baseAddress!)
        }
        return Array(header[..<count]) + payload
    }

    func close() { descriptors.forEach(closeDescriptor) }
}

/// How the framing test writes its frames.
enum WritePattern: CaseIterable, Sendable {
    /// One `sendmsg` (or one per 253 descriptors) per frame.
    case framePerCall
    /// All frames in one stream: the calls stop only where descriptors go.
    case allAtOnce
    /// Every frame's bytes one at a time.
    case bytePerCall

    func write(_ frames: [TestFrame], to socket: Int32) throws {
        switch self {
        case .framePerCall:
            for frame in frames {
                try frame.bytes.withUnsafeBytes { bytes in
                    try SocketIO.writeAll(
                        socket, bytes,
                        attachments: DescriptorAttachment.spreading(
                            frame.descriptors, overMessageAt: 0, count: bytes.count))
                }
            }
        case .allAtOnce:
            var stream: [UInt8] = []
            var attachments: [DescriptorAttachment] = []
            for frame in frames {
                let bytes = frame.bytes
                attachments += try DescriptorAttachment.spreading(
                    frame.descriptors, overMessageAt: stream.count, count: bytes.count)
                stream += bytes
            }
            try stream.withUnsafeBytes { try SocketIO.writeAll(socket, $0, attachments: attachments) }
        case .bytePerCall:
            for frame in frames {
                var attachments = try DescriptorAttachment.spreading(
                    frame.descriptors, overMessageAt: 0, count: frame.bytes.count)
                try frame.bytes.withUnsafeBytes { bytes in
                    for offset in bytes.indices {
                        let one = UnsafeRawBufferPointer(rebasing: bytes[...offset])
                        var sent = 0
                        while sent == 0 {
                            sent = try SocketIO.sendSome(
                                socket, one, from: offset, attachments: &attachments, nonBlocking: false)
                        }
                    }
                }
            }
        }
    }
}

/// Reads at most `count` bytes from `fd`, waiting up to 10 s: `[]` at end
/// of stream, `nil` if nothing came in time.
private func readRaw(_ fd: Int32, count: Int) throws -> [UInt8]? {
    guard try !pollReadable([fd], until: .after(.seconds(10))).isEmpty else { return nil }
    var buffer = [UInt8](repeating: 0, count: count)
    let read = try buffer.withUnsafeMutableBytes { target in
        try SocketIO.readSome(fd, into: target)
    }
    return Array(buffer[..<read])
}
