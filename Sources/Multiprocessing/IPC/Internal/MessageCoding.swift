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

/// The one seam between connections and the Codable wire format: the
/// package's compact binary coder (see ``BinaryEncoder`` for the format and
/// `swift run -c release codec-benchmark` for its measured lead over JSON).
///
/// The descriptor collectors of DescriptorAttachments.swift reach the
/// values' `encode(to:)` and `init(from:)` through the coders' `userInfo`,
/// so that shared objects travel with their descriptors. They are passed
/// here as optional references, not as `userInfo` dictionaries: a dictionary
/// built per message costs a generic metadata lookup and an allocation even
/// when it stays empty, which showed in the pool's per-job cost.
enum MessageCoding {
    /// Appends the encoding of `value` to `buffer`; the shared objects in it
    /// attach their descriptors to `descriptors`.
    static func encode<T: Encodable>(
        _ value: T, appendingTo buffer: inout [UInt8], descriptors: OutgoingDescriptors? = nil
    ) throws {
        try BinaryEncoder(collectingInto: descriptors).encode(value, appendingTo: &buffer)
    }

    /// Decodes a `T` from exactly `bytes`; the shared objects in it take
    /// their descriptors from `descriptors`.
    static func decode<T: Decodable>(
        _ type: T.Type, from bytes: UnsafeRawBufferPointer, descriptors: IncomingDescriptors? = nil
    ) throws -> T {
        try BinaryDecoder(takingFrom: descriptors).decode(type, from: bytes)
    }
}

extension BinaryEncoder {
    /// An encoder whose values attach their descriptors to `descriptors`
    /// (through `userInfo`); a plain one for `nil`.
    init(collectingInto descriptors: OutgoingDescriptors?) {
        self.init()
        if let descriptors { userInfo = [DescriptorTransfer.outgoingKey: descriptors] }
    }
}

extension BinaryDecoder {
    /// A decoder whose values take their descriptors from `descriptors`
    /// (through `userInfo`); a plain one for `nil`.
    init(takingFrom descriptors: IncomingDescriptors?) {
        self.init()
        if let descriptors { userInfo = [DescriptorTransfer.incomingKey: descriptors] }
    }
}

/// The collector a value's descriptors go to (`nil` when the transport
/// cannot carry descriptors), as inlinable sending code passes it along.
@usableFromInline
struct DescriptorCollector {
    let outgoing: OutgoingDescriptors?
}
