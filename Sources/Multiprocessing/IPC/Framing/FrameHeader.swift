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

/// The frame header: how the IPC layer delimits messages in a byte stream,
/// byte for byte Python's `multiprocessing.connection` framing, so that a
/// ``Connection`` and a Python `Connection` exchange `send_bytes` /
/// `recv_bytes` messages.
///
/// A frame is a header followed by the payload:
///
/// - payloads of at most `Int32.max` bytes (2 GiB − 1): the length as a
///   4-byte big-endian signed integer;
/// - longer ones: the marker `-1` as a 4-byte big-endian signed integer,
///   then the length as an 8-byte big-endian unsigned integer;
/// - this package's extension, a frame that carries descriptors (`SCM_RIGHTS`
///   with its first byte, see SocketIO+Descriptors.swift): the marker `-2`,
///   the number of descriptors (at least 1) as a 4-byte big-endian unsigned
///   integer, then the length as an 8-byte big-endian unsigned integer. The
///   receiver learns from it how many of the descriptors that arrived belong
///   to this frame. Python never sends it (its `send_handle` is not a frame),
///   and descriptors cannot reach a Python `Connection` anyway.
///
/// There is no kind byte, because a receiver always knows what it expects
/// (bytes or a given `Decodable` type), and the payload format is the
/// business of the layer above. Python's writer uses the long form only for
/// lengths the short form cannot express, and so do we; a reader refuses a
/// long form for a short length and any other negative length as malformed,
/// so each length has exactly one encoding.
enum FrameHeader {
    /// The short form's value that announces the long form.
    static let longFormMarker: Int32 = -1
    /// The short form's value that announces the descriptor form.
    static let descriptorFormMarker: Int32 = -2
    /// Bytes of a short header.
    static let shortCount = 4
    /// Bytes of a long header (marker + 8-byte length).
    static let longCount = 12
    /// Bytes of a descriptor header (marker + 4-byte count + 8-byte length).
    static let descriptorFormCount = 16
    /// The most bytes a header can take.
    static let maximumCount = descriptorFormCount
    /// The longest payload the short form announces.
    static let shortFormLimit = Int(Int32.max)

    /// The size of the header announcing `payloadCount` bytes and `descriptors` descriptors.
    @inline(__always)
    static func count(forPayloadCount payloadCount: Int, descriptors: Int = 0) -> Int {
        if descriptors > 0 { return descriptorFormCount }
        return payloadCount <= shortFormLimit ? shortCount : longCount
    }

    /// Writes the header announcing `payloadCount` bytes and `descriptors`
    /// descriptors at the start of `destination` (which must hold
    /// ``count(forPayloadCount:descriptors:)`` bytes) and returns its size.
    @inline(__always)
    @discardableResult
    static func encode(payloadCount: Int, descriptors: Int = 0, into destination: UnsafeMutableRawPointer) -> Int {
        precondition(payloadCount >= 0, "negative payload count")
        if descriptors > 0 {
            destination.storeBigEndian(descriptorFormMarker)
            destination.storeBigEndian(UInt32(descriptors), toByteOffset: shortCount)
            destination.storeBigEndian(UInt64(payloadCount), toByteOffset: 2 * shortCount)
            return descriptorFormCount
        }
        if payloadCount <= shortFormLimit {
            destination.storeBigEndian(Int32(payloadCount))
            return shortCount
        }
        destination.storeBigEndian(longFormMarker)
        destination.storeBigEndian(UInt64(payloadCount), toByteOffset: shortCount)
        return longCount
    }

    /// What ``decode(_:)`` found at the start of a buffer.
    enum Decoded: Equatable, Sendable {
        /// The buffer does not hold a whole header yet.
        case incomplete
        /// A header of `headerCount` bytes announcing `payloadCount` bytes
        /// and `descriptors` descriptors.
        case complete(payloadCount: UInt64, headerCount: Int, descriptors: Int = 0)
    }

    /// Reads the header at the start of `bytes`, which may hold more (the
    /// payload, further frames) or less (a header split across reads).
    ///
    /// - Throws: ``FrameError/malformed(_:)`` for a negative length other
    ///   than the markers, for a long form whose length fits the short form,
    ///   and for a descriptor form announcing no descriptor.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(FrameError) -> Decoded {
        guard bytes.count >= shortCount else { return .incomplete }
        let short: Int32 = bytes.loadBigEndian()
        if short >= 0 {
            return .complete(payloadCount: UInt64(short), headerCount: shortCount)
        }
        if short == descriptorFormMarker { return try decodeDescriptorForm(bytes) }
        guard short == longFormMarker else {
            throw .malformed("a frame header announces \(short) bytes")
        }
        guard bytes.count >= longCount else { return .incomplete }
        let long: UInt64 = bytes.loadBigEndian(fromByteOffset: shortCount)
        guard long > UInt64(shortFormLimit) else {
            throw .malformed("a long frame header announces \(long) bytes, which needs the short form")
        }
        return .complete(payloadCount: long, headerCount: longCount)
    }

    private static func decodeDescriptorForm(_ bytes: UnsafeRawBufferPointer) throws(FrameError) -> Decoded {
        guard bytes.count >= descriptorFormCount else { return .incomplete }
        let descriptors: UInt32 = bytes.loadBigEndian(fromByteOffset: shortCount)
        guard descriptors > 0 else { throw .malformed("a descriptor frame header announces no descriptor") }
        let payloadCount: UInt64 = bytes.loadBigEndian(fromByteOffset: 2 * shortCount)
        return .complete(payloadCount: payloadCount, headerCount: descriptorFormCount, descriptors: Int(descriptors))
    }
}
