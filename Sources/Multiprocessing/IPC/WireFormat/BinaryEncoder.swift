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

/// Encodes `Encodable` values in the package's compact binary wire format.
///
/// This is the format `Connection.send(_:)` and `ProcessPool` use to ship
/// values between processes. Compared with `JSONEncoder` it is several times
/// faster to encode and decode (see `swift run -c release codec-benchmark`), keeps
/// what JSON refuses or loses (`JSONEncoder` throws on `Double.nan` and the
/// infinities; `Int??.some(nil)` reads back as `nil`) and ships `[UInt8]`, `Data` and arrays of
/// numbers as one blob each. The bytes are not human-readable:
/// ``BinaryDecoder/describe(_:)`` renders them as JSON-like text for logs.
///
/// ```swift
/// let bytes = try BinaryEncoder().encode(message)
/// let copy = try BinaryDecoder().decode(Message.self, from: bytes)
/// ```
///
/// Every `Codable` feature works: keyed, unkeyed and single-value containers,
/// nested containers, `superEncoder()`, optionals, enums with associated values
/// and dictionaries of any key type. One restriction: a nested container must be
/// filled before its parent container is written to again (what every
/// synthesized and nearly every hand-written `encode(to:)` does); a write to a
/// container its parent has moved past throws `EncodingError.invalidValue`
/// rather than writing wrong bytes.
///
/// ## Format
///
/// A message is one header byte, `0xB1` (magic and format version 1), followed
/// by exactly one value. A value is a tag byte and a payload: `nil`, `false` and
/// `true` have none; integers are LEB128 varints (signed ones zigzag-mapped),
/// 128-bit integers 16 little-endian bytes; `Float` and `Double` their
/// little-endian IEEE 754 bits; strings and byte blobs a varint byte count and
/// the bytes; arrays of fixed-width numbers an element kind, a varint count and
/// the packed little-endian elements. Keyed and unkeyed containers carry a
/// 4-byte little-endian byte count, so a reader skips what it does not need in
/// constant time. A keyed entry is a key, then its value; a key is a varint `h`:
/// even `h` for a string key of `h / 2` UTF-8 bytes, `h == 1` for an integer key
/// (a zigzag varint follows), used when the key's `stringValue` is an `Int` in
/// canonical spelling, as dictionary keys of type `Int` are. The full table of
/// tags is at the top of `WireFormat.swift`.
///
/// An encoder has no mutable state; one instance may be used from many threads.
package struct BinaryEncoder: Sendable {
    /// Values handed to `encode(to:)` implementations as `Encoder.userInfo`.
    package var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Creates an encoder.
    package init() {}

    /// Returns the encoding of `value`.
    ///
    /// - Throws: `EncodingError.invalidValue` when values nest more than 512 levels
    ///   deep, a container exceeds 4 GiB or an `encode(to:)` misuses its containers;
    ///   any error the value's own `encode(to:)` throws.
    package func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        try encode(value, appendingTo: &bytes)
        return bytes
    }

    /// Appends the encoding of `value` to `buffer` (lets a caller reserve a frame header first).
    ///
    /// On error `buffer` is left as it was.
    ///
    /// - Throws: The errors of ``encode(_:)``.
    package func encode<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws {
        var state = WireStateCache.encoderState()
        if !userInfo.isEmpty { state.userInfo = userInfo.mapValues { $0 } }
        do {
            state.buffer.append(WireFormat.header)
            try state.encodeTopLevel(value)
            try state.throwDeferredFailure()
        } catch {
            state.detachContainers()
            throw error  // the state is dropped: only a call that succeeded leaves it clean
        }
        state.detachContainers()
        buffer.append(contentsOf: state.buffer.bytes)
        WireStateCache.recycle(&state)
    }
}
