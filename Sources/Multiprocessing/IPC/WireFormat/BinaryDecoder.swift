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

/// Decodes `Decodable` values from the binary wire format of ``BinaryEncoder``.
///
/// The decoder is built for bytes that come from another process and may be
/// truncated, corrupt or hostile. Whatever the input, it either returns a value or
/// throws a `DecodingError`; it never traps, never reads outside the input, never
/// allocates more than the input could hold (every length prefix is checked against
/// the bytes that remain first) and refuses values nested more than 512 levels deep.
/// At that depth decoding uses about 0.5 MB of stack in release builds (1.2 MB in
/// debug builds, measured), well within the 8 MB of a default thread.
///
/// What is *not* an error: keys the type does not ask for (they are skipped, as
/// with JSON), a `Float` stored where a `Double` is asked for, an integer stored
/// with another width or signedness when its value fits the type asked for, and a
/// `[UInt8]` read as `Data` or the other way round.
///
/// A decoder has no mutable state; one instance may be used from many threads.
package struct BinaryDecoder: Sendable {
    /// Values handed to `init(from:)` implementations as `Decoder.userInfo`.
    package var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Creates a decoder.
    package init() {}

    /// Decodes a value of `type` from `bytes`, which must hold exactly one encoded value.
    ///
    /// - Throws: `DecodingError.dataCorrupted` if the input is empty, does not start
    ///   with the format's header byte (another format or version), is truncated or
    ///   malformed, nests too deeply, has bytes after the value, or holds a number
    ///   that does not fit the integer type asked for; `typeMismatch` if a value has
    ///   another type than the one asked for; `valueNotFound` for `nil` where a value
    ///   is needed; `keyNotFound` for a missing key; any error the type's own
    ///   `init(from:)` throws.
    // A copy for byte arrays, the common blob: there, handing the decoded
    // array back as `T` costs nothing (unspecialized, it is a copy: a
    // retain and a release of the buffer, perf).
    @_specialize(where T == [UInt8])
    package func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        guard let header = bytes.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The input is empty."))
        }
        guard header == WireFormat.header else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription: """
                        The input does not start with the binary wire format's header byte \
                        0x\(String(WireFormat.header, radix: 16)) (format version 1) but with 0x\(String(header, radix: 16)).
                        """))
        }
        var state = WireStateCache.decoderState()
        var succeeded = false
        defer {
            // A decoder or container a type kept past its `init(from:)` must read nothing from now on.
            state.bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            state.detachContainers()
            // Only a call that succeeded leaves the state clean for the next one.
            if succeeded { WireStateCache.recycle(&state) }
        }
        state.bytes = bytes
        if !userInfo.isEmpty { state.userInfo = userInfo.mapValues { $0 } }
        let end = try state.skipValue(at: 1, end: bytes.count)
        guard end == bytes.count else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription: """
                        The input has \(bytes.count - end) trailing bytes after the encoded value \
                        (which ends at byte \(end) of \(bytes.count)).
                        """))
        }
        let value = try state.decodeTopLevel(type, at: 1, end: end)
        succeeded = true
        return value
    }

    /// Decodes a value of `type` from `bytes`, which must hold exactly one encoded value.
    ///
    /// - Throws: The errors of the `UnsafeRawBufferPointer` variant of this method.
    package func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { try decode(type, from: $0) }
    }
}
