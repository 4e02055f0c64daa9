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

internal import MultiprocessingPlatform
import Synchronization
import SystemPackage

/// The receiving half of a connection: the frame reader, and the lock that
/// keeps two receiving threads from splitting each other's frames.
@usableFromInline
final class ReceiveSide: @unchecked Sendable {
    private let lock = PThreadMutex()
    private var reader: FrameReader
    /// Whether a whole frame is buffered; read without the lock by `poll`.
    private let hasBufferedFrame = Atomic<Bool>(false)

    /// `reader` may hold bytes already read (what a handshake read beyond its messages).
    init(reader: FrameReader) {
        self.reader = reader
        hasBufferedFrame.store(reader.hasBufferedFrame, ordering: .relaxed)
    }

    /// Whether a message already read from the descriptor waits to be received.
    var hasBufferedData: Bool {
        hasBufferedFrame.load(ordering: .acquiring)
    }

    /// Reads the next frame from `fd` and hands it, with the descriptors that
    /// came with it, to `consume`, which runs after the frame was consumed
    /// (so a `consume` that fails leaves the stream at the next frame). Not
    /// generic, so that no generic metadata is looked up per message.
    func receive(
        from fd: Int32, maximumMessageSize: Int,
        wasClosed: () -> Bool,
        _ consume: (FrameReader.Payload, FrameDescriptors) -> Void
    ) throws(ConnectionError) {
        lock.lock()
        defer { lock.unlock() }
        defer { hasBufferedFrame.store(reader.hasBufferedFrame, ordering: .releasing) }
        reader.maximumMessageSize = maximumMessageSize
        let outcome: FrameReader.Outcome
        do {
            outcome = try reader.next(from: fd, consume)
        } catch {
            throw wasClosed() ? .closed : ConnectionError(error)
        }
        if outcome != .frame { throw wasClosed() ? .closed : .endOfStream }
    }
}

extension ConnectionError {
    /// The connection's name for what the framing layer found.
    init(_ error: FrameError) {
        switch error {
        case let .malformed(reason): self = .malformedFrame(reason)
        case let .tooLarge(size, limit): self = .messageTooLarge(size: size, limit: limit)
        case let .truncated(expected, received): self = .truncatedMessage(expected: expected, received: received)
        case let .readFailed(errno): self = .system(operation: "recvmsg", errno: errno)
        }
    }

    /// The connection's name for descriptors that did not arrive as announced.
    init(_ error: FrameDescriptorError) {
        switch error {
        case .truncated: self = .descriptorsTruncated
        case let .unexpected(count): self = .unexpectedDescriptors(count: count)
        case let .missing(expected, received): self = .missingDescriptors(expected: expected, received: received)
        }
    }
}
