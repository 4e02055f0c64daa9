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

@Suite("Frame header and reader", .onItsOwnThread, .timeLimit(.minutes(1)))
struct FrameReaderTests {
    private func decodeHeader(_ bytes: [UInt8]) throws -> FrameHeader.Decoded {
        try bytes.withUnsafeBytes { try FrameHeader.decode($0) }
    }

    @Test(arguments: [0, 1, 65_537, Int(Int32.max), Int(Int32.max) + 1, Int(UInt32.max), 1 << 40])
    func headerRoundTrips(count: Int) throws {
        let header = FrameHeader.encode(payloadCount: count)
        let expectedHeaderCount = count <= Int(Int32.max) ? 4 : 12
        #expect(header.count == expectedHeaderCount)
        #expect(try decodeHeader(header) == .complete(payloadCount: UInt64(count), headerCount: expectedHeaderCount))
        #expect(try decodeHeader(Array(header.dropLast())) == .incomplete)
    }

    /// Python's `multiprocessing.connection` layout: `struct.pack("!i", n)`,
    /// or `struct.pack("!i", -1) + struct.pack("!Q", n)` from 2 GiB on.
    @Test func headerIsPythonsLayout() {
        #expect(FrameHeader.encode(payloadCount: 5) == [0, 0, 0, 5])
        #expect(FrameHeader.encode(payloadCount: 0x0102_0304) == [1, 2, 3, 4])
        #expect(FrameHeader.encode(payloadCount: Int(Int32.max)) == [0x7F, 0xFF, 0xFF, 0xFF])
        #expect(FrameHeader.encode(payloadCount: 1 << 31) == [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0x80, 0, 0, 0])
        #expect(FrameHeader.encode(payloadCount: 5 << 32) == [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 5, 0, 0, 0, 0])
    }

    @Test func longFormForASmallLengthIsMalformed() {
        #expect(throws: FrameError.malformed("a long frame header announces 5 bytes, which needs the short form")) {
            try decodeHeader(longHeader(5))
        }
        #expect(
            throws: FrameError.malformed("a long frame header announces 2147483647 bytes, which needs the short form")
        ) {
            try decodeHeader(longHeader(UInt64(Int32.max)))
        }
    }

    // -1 and -2 are markers (the long form, the descriptor form); every other
    // negative length is malformed.
    @Test(arguments: [-3, -100, Int32.min])
    func negativeLengthIsMalformed(length: Int32) {
        #expect(throws: FrameError.malformed("a frame header announces \(length) bytes")) {
            try decodeHeader(withUnsafeBytes(of: length.bigEndian, Array.init) + [1, 2, 3, 4, 5, 6, 7, 8])
        }
    }

    /// A reader over one end of a socket pair whose other end the test writes.
    private final class Stream {
        let writer: Int32
        let readerEnd: Int32
        var reader: FrameReader

        init(maximumMessageSize: Int = 1 << 20) throws {
            (writer, readerEnd) = try makeSocketPair()
            reader = FrameReader(maximumMessageSize: maximumMessageSize)
        }

        deinit {
            closeWriter()
            closeDescriptor(readerEnd)
        }

        func write(_ bytes: [UInt8]) throws { try writeRaw(writer, bytes) }

        private var writerOpen = true
        func closeWriter() {
            if writerOpen { closeDescriptor(writer) }
            writerOpen = false
        }

        /// The next frame, if a read completes one; the outcome otherwise.
        func next(nonBlocking: Bool = true) throws(FrameError) -> (FrameReader.Outcome, [UInt8]?, borrowed: Bool) {
            var payload: [UInt8]?
            var borrowed = false
            let outcome = try reader.next(from: readerEnd, nonBlocking: nonBlocking) { frame, descriptors in
                descriptors.discard()
                if case .borrowed = frame { borrowed = true }
                payload = frame.withBytes { Array($0) }
            }
            return (outcome, payload, borrowed)
        }
    }

    /// Several frames written one byte at a time come out whole and in order,
    /// a large one (past the read buffer) included; the stream then ends cleanly.
    @Test func readsFramesSplitAtEveryByte() throws {
        let payloads = [[], [7], pattern(count: 300, seed: 1), pattern(count: 70_000, seed: 2)]
        let bytes = payloads.flatMap { FrameHeader.encode(payloadCount: $0.count) + $0 }
        let stream = try Stream()
        var frames: [[UInt8]] = []
        for byte in bytes {
            try stream.write([byte])
            while case let (.frame, payload?, _) = try stream.next() { frames.append(payload) }
        }
        #expect(frames == payloads)
        stream.closeWriter()
        // Blocking: a child another test forks meanwhile holds a copy of the
        // writer until it exits, so end of stream may come a little later.
        #expect(try stream.next(nonBlocking: false).0 == .endOfStream, "between frames: a clean end")
    }

    /// A whole buffer of frames is read in one call and handed out in place.
    @Test func readsSeveralFramesFromOneRead() throws {
        let payloads = (0..<5).map { pattern(count: $0 * 10, seed: UInt8($0)) }
        let stream = try Stream()
        try stream.write(payloads.flatMap { FrameHeader.encode(payloadCount: $0.count) + $0 })
        for expected in payloads {
            let (outcome, payload, borrowed) = try stream.next()
            #expect(outcome == .frame && payload == expected)
            #expect(borrowed, "a frame inside the buffer is handed out where it lies")
        }
        #expect(!stream.reader.hasBufferedFrame)
        #expect(try stream.next().0 == .wouldBlock)
    }

    @Test func refusesAnOversizedHeaderAndStaysFailed() throws {
        let stream = try Stream(maximumMessageSize: 1024)
        try stream.write(longHeader(5 << 30) + [1, 2, 3])
        for _ in 0..<2 {
            #expect(throws: FrameError.tooLarge(size: 5 << 30, limit: 1024)) { _ = try stream.next() }
        }
        stream.closeWriter()
        #expect(throws: FrameError.tooLarge(size: 5 << 30, limit: 1024)) { _ = try stream.next() }
    }

    @Test func endOfStreamIsCleanOnlyBetweenFrames() throws {
        let clean = try Stream()
        clean.closeWriter()
        #expect(try clean.next(nonBlocking: false).0 == .endOfStream)
        let insideHeader = try Stream()
        try insideHeader.write(Array(shortHeader(100).prefix(2)))
        insideHeader.closeWriter()
        #expect(throws: FrameError.truncated(expected: nil, received: 2)) {
            _ = try insideHeader.next(nonBlocking: false)
        }
        let insidePayload = try Stream()
        try insidePayload.write(shortHeader(100) + [1, 2, 3])
        insidePayload.closeWriter()
        #expect(throws: FrameError.truncated(expected: 100, received: 3)) {
            _ = try insidePayload.next(nonBlocking: false)
        }
        let insideLargePayload = try Stream()
        try insideLargePayload.write(shortHeader(100_000) + [1, 2, 3])
        insideLargePayload.closeWriter()
        #expect(throws: FrameError.truncated(expected: 100_000, received: 3)) {
            _ = try insideLargePayload.next(nonBlocking: false)
        }
    }

    /// A payload larger than the read buffer is read into storage of its own
    /// as its pieces arrive, and completes exactly.
    @Test func readsALargePayloadInPlace() throws {
        let payload = pattern(count: 200_000, seed: 9)
        let stream = try Stream()
        try stream.write(shortHeader(UInt32(payload.count)))
        var result: [UInt8]?
        var borrowed = true
        for offset in stride(from: 0, to: payload.count, by: 7_000) {
            try stream.write(Array(payload[offset..<min(offset + 7_000, payload.count)]))
            while case let (.frame, frame?, inPlace) = try stream.next() {
                result = frame
                borrowed = inPlace
            }
        }
        #expect(result == payload)
        #expect(!borrowed, "a payload larger than the buffer has storage of its own")
        #expect(try stream.next().0 == .wouldBlock)
    }
}
