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
// calls `attach(_:ownedBy:)` with its descriptor and the object that owns it,
// and encodes the index it gets back. After encoding, the transport sends
// `descriptors` as the frame's ancillary data (in that order), then calls
// `removeAll()`: the collector keeps the owners alive meanwhile, so a value
// may die before the send without its descriptor closing under it.
//
// Receiving: the transport wraps the descriptors that arrived with the frame
// in an `IncomingDescriptors` (which owns them from then on) and puts it in
// the decoder's `userInfo` under `DescriptorTransfer.incomingKey`. A value's
// `init(from:)` calls `take(_:)` with the index it decoded and owns the
// descriptor it gets (and may `register` itself as its owner, so that other
// values of the message that refer to the same index share it). After
// decoding (successful or not) the transport calls `closeUnclaimed()`
// (deinit does too), so nothing that arrived ever leaks.
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
///
/// It holds no descriptor of its own: it keeps each descriptor's owner alive
/// (and so the descriptor open) until the message is sent, so attaching costs
/// no system call, and a message queued for long (a pool's task) holds no
/// extra descriptor. A descriptor attached twice (two values of the message
/// refer to the same segment) travels once: both get the same index.
package final class OutgoingDescriptors: Sendable {
    private struct Attached {
        /// The descriptors, in index order.
        var descriptors: [Int32] = []
        /// What keeps each open, in index order.
        var owners: [any AnyObject & Sendable] = []
        /// The index of each attached descriptor.
        var index: [Int32: Int] = [:]
    }

    private let attached = Mutex(Attached())
    /// How many are attached: read without the lock, so that a message that
    /// carries none (nearly every one) costs no locking.
    private let attachedCount = Atomic(0)

    package init() {}

    /// Adds `descriptor`, which `owner` keeps open, to the message unless it
    /// is attached already, and returns its index among the message's
    /// descriptors. `owner` is retained until ``removeAll()``.
    package func attach(_ descriptor: Int32, ownedBy owner: any AnyObject & Sendable) -> Int {
        attached.withLock { list in
            if let index = list.index[descriptor] { return index }
            list.descriptors.append(descriptor)
            list.owners.append(owner)
            list.index[descriptor] = list.descriptors.count - 1
            attachedCount.store(list.descriptors.count, ordering: .releasing)
            return list.descriptors.count - 1
        }
    }

    /// How many descriptors the message carries.
    package var count: Int { attachedCount.load(ordering: .acquiring) }

    /// The descriptors to send, index 0 first; open while this instance holds them.
    package var descriptors: [Int32] {
        count == 0 ? [] : attached.withLock { $0.descriptors }
    }

    /// Forgets every descriptor and releases their owners, so the instance
    /// can collect the next message's; call it once the message was sent (or
    /// given up).
    package func removeAll() {
        guard count > 0 else { return }
        let owners = attached.withLock { list in
            defer {
                list = Attached()
                attachedCount.store(0, ordering: .releasing)
            }
            return list.owners
        }
        _ = owners  // released here, outside the lock (a deinit may run)
    }
}

/// The descriptors that arrived with one message; each can be taken once.
///
/// The object that took a descriptor may be registered under its index, so
/// that every value of the message that refers to that descriptor uses that
/// one object (one mapping of a segment, not one per value).
package final class IncomingDescriptors: Sendable {
    private enum Entry {
        case waiting(Int32)
        case taken
        case owned(by: any AnyObject & Sendable)
    }

    private let received: Mutex<[Entry]>

    /// Takes ownership of `descriptors` (close-on-exec, as `MSG_CMSG_CLOEXEC` makes them).
    package init(adopting descriptors: [Int32]) {
        received = Mutex(descriptors.map(Entry.waiting))
    }

    deinit { closeUnclaimed() }

    /// How many descriptors arrived.
    package var count: Int { received.withLock { $0.count } }

    /// How many descriptors nobody took yet.
    package var unclaimedCount: Int {
        received.withLock { list in
            list.count { if case .waiting = $0 { true } else { false } }
        }
    }

    /// Hands over the descriptor at `index`; the caller owns it from now on.
    /// Returns `nil` if no descriptor has that index or it was already taken.
    package func take(_ index: Int) -> Int32? {
        received.withLock { list in
            guard list.indices.contains(index), case let .waiting(descriptor) = list[index] else { return nil }
            list[index] = .taken
            return descriptor
        }
    }

    /// Records that `object` owns the descriptor taken at `index`.
    package func register(_ object: any AnyObject & Sendable, at index: Int) {
        received.withLock { list in
            guard list.indices.contains(index), case .taken = list[index] else { return }
            list[index] = .owned(by: object)
        }
    }

    /// The object registered at `index`, if it is a `T`.
    package func object<T: AnyObject>(at index: Int, as _: T.Type) -> T? {
        received.withLock { list in
            guard list.indices.contains(index), case let .owned(object) = list[index] else { return nil }
            return object as? T
        }
    }

    /// Closes every descriptor nobody took, and forgets the registered
    /// objects: the message is done with.
    package func closeUnclaimed() {
        let left = received.withLock { list in
            defer { list = list.map { _ in .taken } }
            return list.compactMap { entry -> Int32? in
                if case let .waiting(descriptor) = entry { descriptor } else { nil }
            }
        }
        left.forEach(closeDescriptor)
    }
}
