package import SystemPackage
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// The seam between Codable values that stand for an open file (shared-memory
// segments and the objects built on them) and the transports that can carry
// descriptors beside a message's bytes (`SCM_RIGHTS` on a Unix socket).
//
// Sending: the transport puts an `OutgoingDescriptors` in the encoder's
// `userInfo` under `DescriptorTransfer.outgoingKey`. A value's `encode(to:)`
// calls `attach(_:)` with its descriptor and encodes the index it gets back.
// After encoding, the transport sends `descriptors` as the frame's ancillary
// data (in that order), then calls `closeAll()` (deinit does too): attach
// duplicates, so the value keeps its own descriptor and may die before the send.
//
// Receiving: the transport wraps the descriptors that arrived with the frame
// in an `IncomingDescriptors` (which owns them from then on) and puts it in
// the decoder's `userInfo` under `DescriptorTransfer.incomingKey`. A value's
// `init(from:)` calls `take(_:)` with the index it decoded and owns the
// descriptor it gets. After decoding (successful or not) the transport calls
// `closeUnclaimed()` (deinit does too), so nothing that arrived ever leaks.
//
// Without an `OutgoingDescriptors` in `userInfo` (a transport that cannot
// carry descriptors), a value decides for itself: a named segment travels by
// name, an anonymous one throws a typed error.

/// The `userInfo` keys of descriptor transfer.
package enum DescriptorTransfer {
    /// Encoder `userInfo`: the ``OutgoingDescriptors`` of the message being encoded.
    package static let outgoingKey = CodingUserInfoKey(rawValue: "swift-multiprocessing.outgoing-descriptors")!
    /// Decoder `userInfo`: the ``IncomingDescriptors`` that arrived with the message.
    package static let incomingKey = CodingUserInfoKey(rawValue: "swift-multiprocessing.incoming-descriptors")!
}

/// The descriptors one message will carry, in the order of their indices.
package final class OutgoingDescriptors: Sendable {
    private let attached = Mutex<[Int32]>([])

    package init() {}

    deinit { closeAll() }

    /// Adds a close-on-exec duplicate of `descriptor` to the message and
    /// returns its index among the message's descriptors. The caller keeps
    /// `descriptor`.
    ///
    /// The corresponding C function is `fcntl(F_DUPFD_CLOEXEC)`.
    package func attach(_ descriptor: Int32) throws(Errno) -> Int {
        let copy = try duplicateDescriptor(descriptor)
        return attached.withLock { list in
            list.append(copy)
            return list.count - 1
        }
    }

    /// The descriptors to send, index 0 first.
    package var descriptors: [Int32] { attached.withLock { $0 } }

    /// Closes every duplicate; call it once the message was sent (or given up).
    package func closeAll() {
        let list = attached.withLock { list in
            defer { list = [] }
            return list
        }
        list.forEach(closeDescriptor)
    }
}

/// The descriptors that arrived with one message; each can be taken once.
package final class IncomingDescriptors: Sendable {
    private let received: Mutex<[Int32?]>

    /// Takes ownership of `descriptors` (close-on-exec, as `MSG_CMSG_CLOEXEC` makes them).
    package init(adopting descriptors: [Int32]) {
        received = Mutex(descriptors.map(Optional.some))
    }

    deinit { closeUnclaimed() }

    /// How many descriptors arrived.
    package var count: Int { received.withLock { $0.count } }

    /// Hands over the descriptor at `index`; the caller owns it from now on.
    /// Returns `nil` if no descriptor has that index or it was already taken.
    package func take(_ index: Int) -> Int32? {
        received.withLock { list in
            guard list.indices.contains(index), let descriptor = list[index] else { return nil }
            list[index] = nil
            return descriptor
        }
    }

    /// Closes every descriptor nobody took.
    package func closeUnclaimed() {
        let left = received.withLock { list in
            defer { list = list.map { _ in nil } }
            return list.compactMap { $0 }
        }
        left.forEach(closeDescriptor)
    }
}
