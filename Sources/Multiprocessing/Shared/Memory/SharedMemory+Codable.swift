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

/// A segment is `Codable`, so that it (and every object built on one) can
/// sit in a `Job`'s stored properties or a message.
///
/// Encoded, a segment is its size, its name if it has one, and — when the
/// encoder's transport carries descriptors (an ``OutgoingDescriptors`` in
/// `userInfo`) — the index of its descriptor among the message's
/// descriptors. Decoded, it maps the received descriptor; a named segment
/// without one is attached by name. A decoded instance never owns the name.
///
/// Without a descriptor-carrying transport, an anonymous segment cannot
/// travel: encoding throws ``SharedMemoryError/descriptorTransferUnavailable``.
///
/// Values of one message that refer to the same segment share its
/// descriptor on the way (it travels once) and, for the package's shared
/// objects, one mapping on arrival (``decodedShared(from:)``): a `map` chunk
/// of a thousand jobs that each hold the same counter carries and maps one
/// descriptor, not a thousand.
extension SharedMemory: Codable {
    private enum CodingKeys: String, CodingKey {
        case size, name, descriptor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(size, forKey: .size)
        try container.encodeIfPresent(name, forKey: .name)
        if let outgoing = encoder.userInfo[DescriptorTransfer.outgoingKey] as? OutgoingDescriptors {
            try container.encode(outgoing.attach(descriptor, ownedBy: self), forKey: .descriptor)
        } else if name == nil {
            throw SharedMemoryError.descriptorTransferUnavailable
        }
    }

    /// A new instance (its own descriptor and mapping) of the segment the
    /// decoder holds.
    public convenience init(from decoder: any Decoder) throws {
        try self.init(EncodedSegment(from: decoder), userInfo: decoder.userInfo)
    }

    /// The segment the decoder holds, as the package's shared objects want
    /// it: every value of one message that refers to the same received
    /// descriptor gets the same instance.
    static func decodedShared(from decoder: any Decoder) throws -> SharedMemory {
        let segment = try EncodedSegment(from: decoder)
        if let index = segment.descriptorIndex,
            let earlier = incomingDescriptors(decoder.userInfo)?.object(at: index, as: SharedMemory.self)
        {
            return earlier
        }
        return try SharedMemory(segment, userInfo: decoder.userInfo)
    }

    /// Maps the segment `segment` describes: by its received descriptor (the
    /// first instance of the message owns it and registers itself as its
    /// owner, later ones map a duplicate), or by name.
    private convenience init(_ segment: EncodedSegment, userInfo: [CodingUserInfoKey: Any]) throws {
        guard let index = segment.descriptorIndex else {
            guard let name = segment.name else { throw SharedMemoryError.descriptorMissing }
            try self.init(attachingTo: name)
            guard size == segment.size else {
                throw SharedMemoryError.mismatchedSegment(
                    "\"\(name)\" has \(size) bytes, \(segment.size) were recorded")
            }
            return
        }
        guard let incoming = Self.incomingDescriptors(userInfo) else { throw SharedMemoryError.descriptorMissing }
        if let earlier = incoming.object(at: index, as: SharedMemory.self) {
            let copy: Int32
            do {
                copy = try duplicateDescriptor(earlier.descriptor)
            } catch {
                throw error.sharedMemoryError("fcntl(F_DUPFD_CLOEXEC)")
            }
            try self.init(adopting: copy, size: segment.size, name: segment.name)
            return
        }
        guard let fd = incoming.take(index) else { throw SharedMemoryError.descriptorMissing }
        try self.init(adopting: fd, size: segment.size, name: segment.name)
        incoming.register(self, at: index)
    }

    private static func incomingDescriptors(_ userInfo: [CodingUserInfoKey: Any]) -> IncomingDescriptors? {
        userInfo[DescriptorTransfer.incomingKey] as? IncomingDescriptors
    }

    /// What an encoded segment records.
    private struct EncodedSegment {
        var size: Int
        var name: String?
        var descriptorIndex: Int?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            size = try container.decode(Int.self, forKey: .size)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            descriptorIndex = try container.decodeIfPresent(Int.self, forKey: .descriptor)
        }
    }
}

/// A segment decoded with ``SharedMemory/decodedShared(from:)``: how an
/// object built on several segments decodes the ones it holds by key.
struct SharedSegmentReference: Decodable {
    let memory: SharedMemory

    init(from decoder: any Decoder) throws {
        memory = try SharedMemory.decodedShared(from: decoder)
    }
}
