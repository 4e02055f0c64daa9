import Testing
import MultiprocessingTestSupport
@testable import Multiprocessing

@Suite("Frame header and decoder", .timeLimit(.minutes(1)))
struct FrameDecoderTests {
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
        #expect(throws: FrameError.malformed("a long frame header announces 2147483647 bytes, which needs the short form")) {
            try decodeHeader(longHeader(UInt64(Int32.max)))
        }
    }

    @Test(arguments: [-2, -100, Int32.min])
    func negativeLengthIsMalformed(length: Int32) {
        #expect(throws: FrameError.malformed("a frame header announces \(length) bytes")) {
            try decodeHeader(withUnsafeBytes(of: length.bigEndian, Array.init) + [1, 2, 3, 4, 5, 6, 7, 8])
        }
    }

    /// Several frames fed one byte at a time come out whole and in order.
    @Test func decodesFramesSplitAtEveryByte() throws {
        let payloads = [[], [7], pattern(count: 300, seed: 1), pattern(count: 70_000, seed: 2)]
        let stream = payloads.flatMap { FrameHeader.encode(payloadCount: $0.count) + $0 }
        var decoder = FrameDecoder(maximumMessageSize: 1 << 20)
        var frames: [[UInt8]] = []
        for byte in stream {
            try [byte].withUnsafeBytes { input in
                let (consumed, frame) = try decoder.decode(input)
                #expect(consumed == 1)
                switch frame {
                case nil: break
                case let .borrowed(range): frames.append(Array(input[range]))
                case let .assembled(payload): frames.append(payload)
                }
            }
        }
        #expect(frames == payloads)
        #expect(decoder.isAtFrameBoundary)
    }

    /// A whole buffer of frames decodes in place, one call per frame.
    @Test func decodesSeveralFramesFromOneBuffer() throws {
        let payloads = (0..<5).map { pattern(count: $0 * 10, seed: UInt8($0)) }
        let stream = payloads.flatMap { FrameHeader.encode(payloadCount: $0.count) + $0 }
        var decoder = FrameDecoder(maximumMessageSize: 1 << 20)
        var frames: [[UInt8]] = []
        try stream.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let input = UnsafeRawBufferPointer(rebasing: all[offset...])
                let (consumed, frame) = try decoder.decode(input)
                guard case let .borrowed(range)? = frame else {
                    Issue.record("expected a borrowed frame")
                    return
                }
                frames.append(Array(input[range]))
                offset += consumed
            }
        }
        #expect(frames == payloads)
    }

    @Test func refusesAnOversizedHeaderAndStaysFailed() throws {
        var decoder = FrameDecoder(maximumMessageSize: 1024)
        let stream = longHeader(5 << 30) + [1, 2, 3]
        for _ in 0..<2 {
            #expect(throws: FrameError.tooLarge(size: 5 << 30, limit: 1024)) {
                try stream.withUnsafeBytes { _ = try decoder.decode($0) }
            }
        }
        #expect(decoder.endOfStreamError == .tooLarge(size: 5 << 30, limit: 1024))
    }

    @Test func endOfStreamIsCleanOnlyBetweenFrames() throws {
        var decoder = FrameDecoder(maximumMessageSize: 1 << 20)
        #expect(decoder.endOfStreamError == nil, "a clean end of stream")
        try [UInt8](shortHeader(100).prefix(2)).withUnsafeBytes { _ = try decoder.decode($0) }
        #expect(decoder.endOfStreamError == .truncated(expected: nil, received: 2))
        try ([UInt8](shortHeader(100).suffix(2)) + [1, 2, 3]).withUnsafeBytes { _ = try decoder.decode($0) }
        #expect(decoder.missingPayloadCount == 97)
        #expect(decoder.endOfStreamError == .truncated(expected: 100, received: 3))
    }

    /// A payload read in place grows as it arrives, and completes exactly.
    @Test func readsAPayloadInPlace() throws {
        var decoder = FrameDecoder(maximumMessageSize: 1 << 20)
        let payload = pattern(count: 50_000, seed: 9)
        try shortHeader(UInt32(payload.count)).withUnsafeBytes { _ = try decoder.decode($0) }
        var offset = 0
        var result: [UInt8]?
        while result == nil {
            result = decoder.readPayload { space in
                let count = min(space.count, 7_000, payload.count - offset)
                payload.withUnsafeBytes { source in
                    space.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
                }
                offset += count
                return count
            }
        }
        #expect(result == payload)
        #expect(decoder.isAtFrameBoundary)
    }
}
