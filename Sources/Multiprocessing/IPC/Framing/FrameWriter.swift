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

/// The one frame writer: appends whole frames to an outgoing buffer, whose
/// payload the caller writes in place (no intermediate buffer, no copy).
/// ``Connection`` sends each frame as it is written; the process pool
/// queues many per worker and sends them together.
///
/// A caller's own bytes need no buffer at all: they go out behind a header
/// made by ``FrameHeader/encode(payloadCount:descriptors:into:)`` in one
/// gathering write (``Connection/sendBytes(_:)``).
enum FrameWriter {
    /// Appends one frame whose payload `writePayload` appends to `buffer`,
    /// announcing `descriptors` descriptors (read once the payload is
    /// written: encoding a value is what attaches them). If `writePayload`
    /// throws, `buffer` is left as it was and the error is rethrown.
    ///
    /// The header is reserved in its short form; a payload of 2 GiB or more,
    /// or a frame that carries descriptors, is moved up to make room for the
    /// longer form (a copy that is small beside encoding that much, and
    /// only for frames that carry descriptors otherwise).
    @inline(__always)
    static func append<E: Error>(
        to buffer: inout [UInt8], descriptors: @autoclosure () -> Int = 0,
        _ writePayload: (inout [UInt8]) throws(E) -> Void
    ) throws(E) {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: FrameHeader.shortCount))
        do {
            try writePayload(&buffer)
        } catch {
            buffer.removeSubrange(start...)
            throw error
        }
        let descriptorCount = descriptors()
        let payloadCount = buffer.count - start - FrameHeader.shortCount
        let headerCount = FrameHeader.count(forPayloadCount: payloadCount, descriptors: descriptorCount)
        if headerCount > FrameHeader.shortCount {
            buffer.insert(
                contentsOf: repeatElement(0, count: headerCount - FrameHeader.shortCount),
                at: start + FrameHeader.shortCount)
        }
        buffer.withUnsafeMutableBytes { raw in
            _ = FrameHeader.encode(
                payloadCount: payloadCount, descriptors: descriptorCount, into: raw.baseAddress! + start)
        }
    }
}
