internal import MultiprocessingPlatform
import SystemPackage

/// The sending half of a connection: the lock that keeps two sending threads
/// from interleaving their frames, and a reusable buffer in which a Codable
/// value is encoded in place behind its header (``FrameWriter``), so that
/// header and payload leave in one system call without a copy.
final class SendSide: @unchecked Sendable {
    /// A buffer that grew past this is released after its message, so one
    /// large message does not pin its memory for the connection's lifetime.
    static let retainedCapacity = 1 << 20

    private let lock = PThreadMutex()
    private var buffer: [UInt8] = []

    /// Sends one frame whose payload `encode` appends to the buffer it is given.
    func send(
        to fd: Int32,
        encode: (inout [UInt8]) throws(ConnectionError) -> Void
    ) throws(ConnectionError) {
        lock.lock()
        defer { lock.unlock() }
        defer {
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.retainedCapacity)
        }
        try FrameWriter.append(to: &buffer, encode)
        try buffer.withBytes { bytes throws(ConnectionError) in
            try write(fd, bytes)
        }
    }

    /// Sends `payload` as one frame: the header and the caller's bytes leave
    /// together in one gathering write, with no copy.
    func send(to fd: Int32, payload: UnsafeRawBufferPointer) throws(ConnectionError) {
        lock.lock()
        defer { lock.unlock() }
        var header = (UInt64(0), UInt32(0))
        try withUnsafeMutableBytes(of: &header) { raw throws(ConnectionError) in
            let count = FrameHeader.encode(payloadCount: payload.count, into: raw.baseAddress!)
            try write(fd, UnsafeRawBufferPointer(rebasing: raw[..<count]), payload)
        }
    }

    private func write(
        _ fd: Int32,
        _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) throws(ConnectionError) {
        do {
            try SocketIO.writeAll(fd, first, second)
        } catch .brokenPipe, .connectionReset {
            throw .peerClosed
        } catch {
            throw .system(operation: "send", errno: error)
        }
    }
}
