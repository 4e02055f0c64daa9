internal import MultiprocessingPlatform
import SystemPackage
import Synchronization

/// The receiving half of a connection: a read buffer, the frame decoder, and
/// the lock that keeps two receiving threads from splitting each other's frames.
///
/// Small messages are read in as few system calls as possible: each read takes
/// whatever is available up to ``bufferCapacity`` bytes, so a header and its
/// payload (and often the next frames) arrive in one call. The part of a large
/// payload that is not yet buffered is read straight into the payload's
/// storage, with no intermediate copy.
@usableFromInline
final class ReceiveSide: @unchecked Sendable {
    /// What a frame is handed to its consumer as.
    @usableFromInline
    enum Payload {
        /// Bytes inside the read buffer, valid only during the callback.
        case borrowed(UnsafeRawBufferPointer)
        /// A payload assembled on its own.
        case owned([UInt8])
    }

    static let bufferCapacity = 64 << 10
    /// A missing payload of at least this many bytes is read straight into place.
    static let directReadThreshold = 16 << 10

    private let lock = PThreadMutex()
    private var decoder: FrameDecoder
    private var buffer: [UInt8] = []
    private var start = 0
    private var end = 0
    /// Whether a whole frame is buffered; read without the lock by `poll`.
    private let hasBufferedBytes = Atomic<Bool>(false)

    init(maximumMessageSize: Int) {
        decoder = FrameDecoder(maximumMessageSize: maximumMessageSize)
    }

    /// Whether a message already read from the descriptor waits to be received.
    var hasBufferedData: Bool {
        hasBufferedBytes.load(ordering: .acquiring)
    }

    /// Reads the next frame from `fd` and hands it to `consume`. The frame is
    /// consumed before `consume` runs, so a `consume` that throws leaves the
    /// stream at the next frame. (Not generic, so that no generic metadata is
    /// looked up per message.)
    func receive(
        from fd: Int32, isSocket: Bool, maximumMessageSize: Int,
        wasClosed: () -> Bool,
        _ consume: (Payload) throws(ConnectionError) -> Void
    ) throws(ConnectionError) {
        lock.lock()
        defer { lock.unlock() }
        decoder.maximumMessageSize = maximumMessageSize
        while true {
            if start < end {
                if try decodeBuffered(consume) { return }
                continue
            }
            var direct: [UInt8]?
            do {
                if let missing = decoder.missingPayloadCount, missing >= Self.directReadThreshold {
                    direct = try readPayloadDirectly(fd, isSocket: isSocket)
                } else {
                    try fillBuffer(fd, isSocket: isSocket)
                }
            } catch let error as Errno {
                if wasClosed() { throw .closed }
                if error == .connectionReset { throw decoder.endOfStreamError }
                throw .system(operation: "recv", errno: error)
            } catch let error as ConnectionError {
                throw wasClosed() ? .closed : error
            } catch {
                preconditionFailure("unexpected error \(error)")
            }
            if let direct { return try consume(.owned(direct)) }
        }
    }

    // MARK: Internals

    /// Decodes from the buffered bytes; returns whether a frame completed (and was consumed).
    private func decodeBuffered(
        _ consume: (Payload) throws(ConnectionError) -> Void
    ) throws(ConnectionError) -> Bool {
        let (start, end) = (self.start, self.end)
        return try buffer.withBytes { bytes throws(ConnectionError) -> Bool in
            let input = UnsafeRawBufferPointer(rebasing: bytes[start ..< end])
            let (consumed, frame) = try decoder.decode(input)
            advance(by: consumed)
            switch frame {
            case nil:
                return false
            case let .borrowed(range):
                try consume(.borrowed(UnsafeRawBufferPointer(rebasing: input[range])))
            case let .assembled(payload):
                try consume(.owned(payload))
            }
            return true
        }
    }

    private func advance(by consumed: Int) {
        start += consumed
        if start == end {
            start = 0
            end = 0
        }
        publishBufferedState()
    }

    /// Tells `poll` and `wait` whether a receive would complete from the
    /// buffer alone: a whole frame is buffered (or bytes that fail at once).
    /// Part of a frame is not enough: the rest is announced by the descriptor.
    private func publishBufferedState() {
        let (start, end) = (self.start, self.end)
        let limit = UInt64(max(decoder.maximumMessageSize, 0))
        let ready = start < end && buffer.withUnsafeBytes { bytes in
            let input = UnsafeRawBufferPointer(rebasing: bytes[start ..< end])
            switch try? FrameHeader.decode(input) {
            case nil: return true // malformed: the receive fails at once
            case .incomplete?: return false
            case let .complete(payloadCount, headerCount)?:
                return payloadCount > limit || UInt64(input.count - headerCount) >= payloadCount
            }
        }
        hasBufferedBytes.store(ready, ordering: .releasing)
    }

    /// Reads what is available (at least one byte) into the empty buffer.
    private func fillBuffer(_ fd: Int32, isSocket: Bool) throws {
        if buffer.isEmpty { buffer = FrameDecoder.storage(count: Self.bufferCapacity) }
        let count = try buffer.withUnsafeMutableBytes { target in
            try DescriptorIO.readSome(fd, isSocket: isSocket, into: target)
        }
        if count == 0 { throw decoder.endOfStreamError }
        start = 0
        end = count
        publishBufferedState()
    }

    private func readPayloadDirectly(_ fd: Int32, isSocket: Bool) throws -> [UInt8]? {
        var endOfStream = false
        let payload = try decoder.readPayload { space throws(Errno) -> Int in
            let count = try DescriptorIO.readSome(fd, isSocket: isSocket, into: space)
            endOfStream = count == 0
            return count
        }
        if endOfStream { throw decoder.endOfStreamError }
        return payload
    }
}
