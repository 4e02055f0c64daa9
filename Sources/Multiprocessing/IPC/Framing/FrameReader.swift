internal import MultiprocessingPlatform
import SystemPackage

/// The one frame-reading pump: reads a descriptor's byte stream and hands out
/// whole frames, for ``Connection`` (blocking) and for both sides of the
/// process pool (non-blocking in the pool's I/O thread, blocking in a worker).
///
/// Small frames are read in as few system calls as possible: each read takes
/// whatever is available up to ``bufferCapacity`` bytes, so a header and its
/// payload (and often the next frames) arrive in one call, and a frame wholly
/// inside the buffer is handed out where it lies. The part of a large
/// payload that is not yet buffered is read straight into the payload's
/// storage, with no intermediate copy.
///
/// Reads go through ``DescriptorIO/readSome(_:isSocket:into:nonBlocking:)``
/// only, the one place a later `recvmsg` with ancillary data (descriptors
/// travelling with a frame) would replace `recv`.
@usableFromInline
struct FrameReader {
    /// A frame's payload, as handed to the consumer.
    @usableFromInline
    enum Payload {
        /// Bytes inside the read buffer, valid only during the callback.
        case borrowed(UnsafeRawBufferPointer)
        /// A payload assembled on its own.
        case owned([UInt8])

        /// The payload's bytes, for a consumer that reads them in place.
        @usableFromInline
        func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
            switch self {
            case let .borrowed(bytes): try body(bytes)
            case let .owned(bytes): try bytes.withBytes(body)
            }
        }
    }

    /// What a call to ``next(from:isSocket:nonBlocking:_:)`` ended with.
    enum Outcome: Equatable {
        /// One frame was handed to the consumer.
        case frame
        /// The stream ended cleanly, between two frames.
        case endOfStream
        /// A non-blocking read found nothing more to read for now.
        case wouldBlock
    }

    static let bufferCapacity = 64 << 10
    /// A missing payload of at least this many bytes is read straight into place.
    static let directReadThreshold = 16 << 10

    private(set) var decoder: FrameDecoder
    private var buffer: [UInt8] = []
    private var start = 0
    private var end = 0

    init(maximumMessageSize: Int) {
        decoder = FrameDecoder(maximumMessageSize: maximumMessageSize)
    }

    /// Frames announcing more bytes than this are refused (from the next frame on).
    var maximumMessageSize: Int {
        get { decoder.maximumMessageSize }
        set { decoder.maximumMessageSize = newValue }
    }

    /// Whether the next ``next(from:isSocket:nonBlocking:_:)`` completes from
    /// the buffer alone: a whole frame is buffered (or bytes that fail at once).
    /// Part of a frame is not enough: the rest is announced by the descriptor.
    var hasBufferedFrame: Bool {
        guard start < end else { return false }
        let (start, end) = (self.start, self.end)
        let limit = UInt64(max(decoder.maximumMessageSize, 0))
        return buffer.withUnsafeBytes { bytes in
            let input = UnsafeRawBufferPointer(rebasing: bytes[start ..< end])
            switch try? FrameHeader.decode(input) {
            case nil: return true // malformed: the next read fails at once
            case .incomplete?: return false
            case let .complete(payloadCount, headerCount)?:
                return payloadCount > limit || UInt64(input.count - headerCount) >= payloadCount
            }
        }
    }

    /// Hands the next frame to `consume`, reading from `fd` as needed: until a
    /// frame is complete, or with `nonBlocking` (sockets only) until the socket
    /// has nothing more for now. The frame is consumed before `consume` runs.
    ///
    /// - Throws: ``FrameError/truncated(expected:received:)`` when the stream
    ///   ends inside a frame, ``FrameError/malformed(_:)`` and
    ///   ``FrameError/tooLarge(size:limit:)`` for a bad header (again on every
    ///   later call), ``FrameError/readFailed(_:)``. `ECONNRESET` counts as
    ///   the end of the stream; `EINTR` is retried.
    mutating func next(
        from fd: Int32, isSocket: Bool, nonBlocking: Bool = false, _ consume: (Payload) -> Void
    ) throws(FrameError) -> Outcome {
        while true {
            if start < end {
                if try decodeBuffered(consume) { return .frame }
                continue
            }
            let count: Int
            do {
                if let missing = decoder.missingPayloadCount, missing >= Self.directReadThreshold {
                    var read = 0
                    let payload = try decoder.readPayload { space throws(Errno) -> Int in
                        read = try DescriptorIO.readSome(fd, isSocket: isSocket, into: space, nonBlocking: nonBlocking)
                        return read
                    }
                    if let payload {
                        consume(.owned(payload))
                        return .frame
                    }
                    count = read
                } else {
                    count = try fillBuffer(fd, isSocket: isSocket, nonBlocking: nonBlocking)
                }
            } catch .wouldBlock {
                return .wouldBlock
            } catch .connectionReset {
                return try endOfStream()
            } catch {
                throw .readFailed(error)
            }
            if count == 0 { return try endOfStream() }
        }
    }

    // MARK: Internals

    private func endOfStream() throws(FrameError) -> Outcome {
        if let error = decoder.endOfStreamError { throw error }
        return .endOfStream
    }

    /// Decodes from the buffered bytes; returns whether a frame completed (and was consumed).
    private mutating func decodeBuffered(_ consume: (Payload) -> Void) throws(FrameError) -> Bool {
        let (start, end) = (self.start, self.end)
        let (consumed, frame) = try buffer.withBytes { bytes throws(FrameError) in
            try decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[start ..< end]))
        }
        self.start += consumed
        if self.start == self.end { (self.start, self.end) = (0, 0) }
        switch frame {
        case nil:
            return false
        case let .borrowed(range):
            buffer.withUnsafeBytes { bytes in
                consume(.borrowed(UnsafeRawBufferPointer(rebasing: bytes[start + range.lowerBound ..< start + range.upperBound])))
            }
        case let .assembled(payload):
            consume(.owned(payload))
        }
        return true
    }

    /// Reads what is available (at least one byte, or 0 at end of stream) into the empty buffer.
    private mutating func fillBuffer(_ fd: Int32, isSocket: Bool, nonBlocking: Bool) throws(Errno) -> Int {
        if buffer.isEmpty { buffer = FrameDecoder.storage(count: Self.bufferCapacity) }
        let count = try buffer.withMutableBytes { target throws(Errno) in
            try DescriptorIO.readSome(fd, isSocket: isSocket, into: target, nonBlocking: nonBlocking)
        }
        (start, end) = (0, count)
        return count
    }
}
