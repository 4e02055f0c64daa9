internal import MultiprocessingPlatform
import SystemPackage

/// The sending half of a connection: the lock that keeps two sending threads
/// from interleaving their frames, and a reusable buffer in which a Codable
/// value is encoded right behind room for its header, so that header and
/// payload leave in one system call without a copy.
final class SendSide: @unchecked Sendable {
    /// A buffer that grew past this is released after its message, so one
    /// large message does not pin its memory for the connection's lifetime.
    static let retainedCapacity = 1 << 20

    private let lock = PThreadMutex()
    private var buffer: [UInt8] = []

    /// Encodes `value` with `encode` and sends it as one frame.
    func send(
        to fd: Int32, isSocket: Bool,
        encode: (inout [UInt8]) throws(ConnectionError) -> Void
    ) throws(ConnectionError) {
        lock.lock()
        defer { lock.unlock() }
        defer {
            if buffer.capacity > Self.retainedCapacity { buffer = [] }
        }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: repeatElement(0, count: FrameHeader.maximumCount))
        try encode(&buffer)
        let payloadCount = buffer.count - FrameHeader.maximumCount
        let headerCount = FrameHeader.count(forPayloadCount: payloadCount)
        let frameStart = FrameHeader.maximumCount - headerCount
        try buffer.withMutableBytes { bytes throws(ConnectionError) in
            _ = FrameHeader.encode(payloadCount: payloadCount, into: bytes.baseAddress! + frameStart)
            try write(fd, isSocket: isSocket, UnsafeRawBufferPointer(rebasing: bytes[frameStart...]))
        }
    }

    /// Sends `payload` as one frame.
    func send(to fd: Int32, isSocket: Bool, payload: UnsafeRawBufferPointer) throws(ConnectionError) {
        lock.lock()
        defer { lock.unlock() }
        var header = (UInt64(0), UInt32(0))
        try withUnsafeMutableBytes(of: &header) { raw throws(ConnectionError) in
            let count = FrameHeader.encode(payloadCount: payload.count, into: raw.baseAddress!)
            try write(fd, isSocket: isSocket, UnsafeRawBufferPointer(rebasing: raw[..<count]), payload)
        }
    }

    private func write(
        _ fd: Int32, isSocket: Bool,
        _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) throws(ConnectionError) {
        do {
            try DescriptorIO.writeAll(fd, isSocket: isSocket, first, second)
        } catch .brokenPipe, .connectionReset {
            throw .peerClosed
        } catch {
            throw .system(operation: "send", errno: error)
        }
    }
}
