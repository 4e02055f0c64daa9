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
extension SharedMemory: Codable {
    private enum CodingKeys: String, CodingKey {
        case size, name, descriptor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(size, forKey: .size)
        try container.encodeIfPresent(name, forKey: .name)
        if let outgoing = encoder.userInfo[DescriptorTransfer.outgoingKey] as? OutgoingDescriptors {
            let index: Int
            do {
                index = try outgoing.attach(descriptor)
            } catch {
                throw error.sharedMemoryError("fcntl(F_DUPFD_CLOEXEC)")
            }
            try container.encode(index, forKey: .descriptor)
        } else if name == nil {
            throw SharedMemoryError.descriptorTransferUnavailable
        }
    }

    public convenience init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let size = try container.decode(Int.self, forKey: .size)
        let name = try container.decodeIfPresent(String.self, forKey: .name)
        if let index = try container.decodeIfPresent(Int.self, forKey: .descriptor) {
            guard let incoming = decoder.userInfo[DescriptorTransfer.incomingKey] as? IncomingDescriptors,
                  let fd = incoming.take(index) else {
                throw SharedMemoryError.descriptorMissing
            }
            try self.init(adopting: fd, size: size, name: name)
        } else if let name {
            try self.init(attachingTo: name)
            guard self.size == size else {
                throw SharedMemoryError.mismatchedSegment("\"\(name)\" has \(self.size) bytes, \(size) were recorded")
            }
        } else {
            throw SharedMemoryError.descriptorMissing
        }
    }
}
