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
import SystemPackage

/// The one frame-reading pump: reads a descriptor's byte stream and hands out
/// whole frames, for ``Connection`` (blocking) and for both sides of the
/// process pool (non-blocking in the pool's I/O thread, blocking in a worker),
/// all of them stream sockets.
///
/// Small frames are read in as few system calls as possible: each read takes
/// whatever is available up to ``bufferCapacity`` bytes, so a header and its
/// payload (and often the next frames) arrive in one call, and a frame wholly
/// inside the buffer is handed out where it lies. A frame split across reads
/// waits in the buffer for the rest. A payload larger than the buffer is
/// read straight into storage of its own, with no intermediate copy.
///
/// Limits are checked from the header alone, before anything is allocated: a
/// header that announces more than ``maximumMessageSize`` or than the
/// machine's physical memory fails at once with ``FrameError/tooLarge(size:limit:)``.
/// A large payload's storage starts at ``initialPayloadCapacity``, so a
/// corrupt header that claims gigabytes with a few bytes behind it costs
/// nothing before the end of the stream turns it into
/// ``FrameError/truncated(expected:received:)``. Once that much has actually
/// arrived, the storage grows to the announced size in one step: growing by
/// doubling copied the payload received so far again and again, and faulted
/// in fresh memory for every copy, which made messages past 2 GiB several
/// times slower per byte than smaller ones.
///
/// After a ``FrameError/tooLarge(size:limit:)`` or ``FrameError/malformed(_:)``
/// the position in the stream is lost: the reader stays failed and throws
/// that error again on every call.
///
/// Reads go through ``SocketIO/readSome(_:into:nonBlocking:arrived:)`` only,
/// which also receives descriptors travelling with the bytes (`SCM_RIGHTS`);
/// each frame is handed out with those its header announces
/// (``FrameDescriptors``, tied to frames as ``DescriptorArrivals`` explains),
/// whatever the sizes of the reads.
@usableFromInline
struct FrameReader {
    /// A frame's payload, as handed to the consumer.
    @usableFromInline
    enum Payload {
        /// Bytes inside the read buffer, valid only during the callback.
        case borrowed(UnsafeRawBufferPointer)
        /// A payload read into storage of its own.
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

    /// What a call to ``next(from:nonBlocking:_:)`` ended with.
    enum Outcome: Equatable {
        /// One frame was handed to the consumer.
        case frame
        /// The stream ended cleanly, between two frames.
        case endOfStream
        /// A non-blocking read found nothing more to read for now.
        case wouldBlock
    }

    static let bufferCapacity = 64 << 10
    /// The first allocation for a payload larger than the buffer.
    static let initialPayloadCapacity = 64 << 20
    /// Storage of at least this many bytes is backed by huge pages where the kernel can.
    static let hugePageThreshold = 8 << 20

    /// Frames announcing more bytes than this are refused (from the next frame on).
    var maximumMessageSize: Int
    private var buffer: [UInt8] = []
    /// The unconsumed bytes of `buffer`: the start of the next frame.
    private var start = 0
    private var end = 0
    /// A payload larger than the buffer, being read into place.
    private var large: LargePayload?
    private var failure: FrameError?
    /// How many bytes were read from the stream so far.
    private var streamOffset = 0
    /// Descriptors that arrived and wait for their frame; `nil` until some arrive.
    private var arrivals: DescriptorArrivals?

    private struct LargePayload {
        var storage: [UInt8]
        var received: Int
        let expected: Int
        /// The stream offset just after the frame.
        let frameEnd: Int
        let descriptors: Int
    }

    init(maximumMessageSize: Int) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// Whether the next ``next(from:nonBlocking:_:)`` completes from
    /// the buffer alone: a whole frame is buffered (or bytes that fail at once).
    /// Part of a frame is not enough: the rest is announced by the descriptor.
    var hasBufferedFrame: Bool {
        guard large == nil, start < end else { return false }
        switch try? bufferedHeader() {
        case nil: return true  // malformed or too large: the next call fails at once
        case .incomplete?: return false
        case let .complete(payloadCount, headerCount, _)?: return end - start - headerCount >= Int(payloadCount)
        }
    }

    /// Hands the next frame, and the descriptors that came with it, to
    /// `consume`, reading from `socket` as needed: until a frame is complete,
    /// or with `nonBlocking` until the socket has nothing more for now. The
    /// frame is consumed before `consume` runs, which owns the descriptors.
    ///
    /// - Throws: ``FrameError/truncated(expected:received:)`` when the stream
    ///   ends inside a frame, ``FrameError/malformed(_:)`` and
    ///   ``FrameError/tooLarge(size:limit:)`` for a bad header (again on every
    ///   later call), ``FrameError/readFailed(_:)``. `ECONNRESET` counts as
    ///   the end of the stream; `EINTR` is retried.
    mutating func next(
        from socket: Int32, nonBlocking: Bool = false, _ consume: (Payload, FrameDescriptors) -> Void
    ) throws(FrameError) -> Outcome {
        if let failure { throw failure }
        while true {
            if large == nil, try takeBufferedFrame(consume) { return .frame }
            let count: Int
            do {
                count = try read(socket, nonBlocking: nonBlocking)
            } catch .wouldBlock {
                return .wouldBlock
            } catch .connectionReset {
                count = 0
            } catch {
                throw .readFailed(error)
            }
            if count == 0 {
                arrivals?.closeAll()
                return try endOfStream()
            }
            if let payload = large, payload.received == payload.expected {
                large = nil
                consume(
                    .owned(payload.storage), descriptors(frameEnd: payload.frameEnd, announced: payload.descriptors))
                return .frame
            }
        }
    }

    // MARK: Internals

    /// Hands out the frame at the start of the buffer if it is whole; moves a
    /// payload larger than the buffer to storage of its own.
    private mutating func takeBufferedFrame(_ consume: (Payload, FrameDescriptors) -> Void) throws(FrameError) -> Bool {
        guard start < end, case let .complete(announced, headerCount, descriptorCount) = try header() else {
            return false
        }
        let payloadCount = Int(announced)  // checked against the limit, so it fits
        let available = end - start - headerCount
        let frameEnd = streamOffset - available + payloadCount
        if available >= payloadCount {
            let payloadStart = start + headerCount
            start += headerCount + payloadCount
            if start == end { (start, end) = (0, 0) }
            let descriptors = descriptors(frameEnd: frameEnd, announced: descriptorCount)
            buffer.withUnsafeBytes { bytes in
                consume(
                    .borrowed(UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<payloadStart + payloadCount])),
                    descriptors)
            }
            return true
        }
        if headerCount + payloadCount > Self.bufferCapacity {
            var storage = Self.storage(count: min(payloadCount, Self.initialPayloadCapacity))
            storage.withUnsafeMutableBytes { target in
                buffer.withUnsafeBytes { source in
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start + headerCount..<end]))
                }
            }
            large = LargePayload(
                storage: storage, received: available, expected: payloadCount,
                frameEnd: frameEnd, descriptors: descriptorCount)
            (start, end) = (0, 0)
        }
        return false
    }

    /// The descriptors of the frame that ends at stream offset `frameEnd`
    /// and announces `announced` of them.
    @inline(__always)
    private func descriptors(frameEnd: Int, announced: Int) -> FrameDescriptors {
        guard let arrivals, !arrivals.isEmpty else {
            return announced == 0 ? .none : .failed(.missing(expected: announced, received: 0))
        }
        return arrivals.claim(frameEnd: frameEnd, announced: announced)
    }

    /// The header at the start of the buffer, checked against the limits; a
    /// bad one fails the reader for good.
    private mutating func header() throws(FrameError) -> FrameHeader.Decoded {
        do throws(FrameError) {
            return try bufferedHeader()
        } catch {
            failure = error
            throw error
        }
    }

    /// The header at the start of the buffer, checked against the limits.
    private func bufferedHeader() throws(FrameError) -> FrameHeader.Decoded {
        let decoded = try buffer.withBytes { bytes throws(FrameError) in
            try FrameHeader.decode(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        }
        if case let .complete(payloadCount, _, _) = decoded {
            let limit = min(maximumMessageSize, MemoryLimits.physicalMemory)
            if payloadCount > UInt64(max(limit, 0)) {
                throw .tooLarge(size: Int(clamping: payloadCount), limit: limit)
            }
        }
        return decoded
    }

    /// Reads what is available: into the large payload's storage, or behind
    /// the buffered bytes (moved to the front first). Returns 0 at end of stream.
    private mutating func read(_ socket: Int32, nonBlocking: Bool) throws(Errno) -> Int {
        if var payload = large {
            large = nil  // no copy-on-write of the storage while it is read into
            defer { large = payload }
            if payload.received == payload.storage.count {
                Self.grow(&payload.storage, to: payload.expected, keeping: payload.received)
            }
            let received = payload.received
            let (count, arrived) = try payload.storage.withMutableBytes { target throws(Errno) in
                try Self.readSome(
                    socket, into: UnsafeMutableRawBufferPointer(rebasing: target[received...]), nonBlocking: nonBlocking
                )
            }
            record(count, arrived)
            payload.received += count
            return count
        }
        if buffer.isEmpty { buffer = Self.storage(count: Self.bufferCapacity) }
        if start > 0 {
            let (start, end) = (self.start, self.end)
            buffer.withUnsafeMutableBytes { bytes in
                bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + start, byteCount: end - start)
            }
            (self.start, self.end) = (0, end - start)
        }
        let end = self.end
        let (count, arrived) = try buffer.withMutableBytes { target throws(Errno) in
            try Self.readSome(
                socket, into: UnsafeMutableRawBufferPointer(rebasing: target[end...]), nonBlocking: nonBlocking)
        }
        record(count, arrived)
        self.end += count
        return count
    }

    /// Reads into `target`: the bytes read, and the descriptors that came with them.
    private static func readSome(_ socket: Int32, into target: UnsafeMutableRawBufferPointer, nonBlocking: Bool)
        throws(Errno) -> (Int, ArrivedDescriptors?)
    {
        var arrived: ArrivedDescriptors?
        let count = try SocketIO.readSome(socket, into: target, nonBlocking: nonBlocking, arrived: &arrived)
        return (count, arrived)
    }

    /// Counts a read's bytes, and keeps the descriptors that came with it for their frame.
    private mutating func record(_ count: Int, _ arrived: ArrivedDescriptors?) {
        streamOffset += count
        if let arrived {
            if arrivals == nil { arrivals = DescriptorArrivals() }
            arrivals!.add(arrived, readEnd: streamOffset)
        }
    }

    /// The end of the stream: clean between frames, else a truncated frame.
    private func endOfStream() throws(FrameError) -> Outcome {
        if let payload = large { throw .truncated(expected: payload.expected, received: payload.received) }
        guard start < end else { return .endOfStream }
        switch try? bufferedHeader() {
        case let .complete(payloadCount, headerCount, _)?:
            throw .truncated(expected: Int(payloadCount), received: end - start - headerCount)
        default:
            throw .truncated(expected: nil, received: end - start)
        }
    }

    /// Grows `storage` to `count` bytes, keeping its first `kept`.
    private static func grow(_ storage: inout [UInt8], to count: Int, keeping kept: Int) {
        var grown = Self.storage(count: count)
        grown.withUnsafeMutableBytes { target in
            storage.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[..<kept]))
            }
        }
        storage = grown
    }

    /// An array of `count` bytes whose contents are not cleared: every byte is
    /// written by the stream before anyone reads it, and clearing a large
    /// payload first would cost a pass over memory on the hot path. Large
    /// arrays ask for huge pages (``adviseHugePages(_:)``).
    static func storage(count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count >= hugePageThreshold { adviseHugePages(UnsafeMutableRawBufferPointer(buffer)) }
            initialized = count
        }
    }
}
