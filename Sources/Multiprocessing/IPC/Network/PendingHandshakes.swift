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

internal import CMultiprocessingPlatform
import DequeModule
internal import MultiprocessingPlatform
import SystemPackage

/// A ``Listener``'s connections between `accept(2)` and ``Listener/accept()``:
/// those still in their handshake, each with its deadline, and those that
/// passed it and wait for a caller. Guarded by the listener's lock; the
/// sessions' sockets are non-blocking and watched by the listener's epoll,
/// each under a tag of its own (never reused, so a stale event finds nothing).
struct PendingHandshakes: ~Copyable {
    /// Tags below this one are the listener's own descriptors.
    static let firstSessionTag: UInt64 = 2

    private var sessions: [UInt64: HandshakeSession] = [:]
    /// Session tags in the order of their deadlines (all handshakes have the
    /// same time-out, so that is the order they started in); tags of
    /// sessions that already ended are skipped when they come up.
    private var expiry = Deque<(tag: UInt64, deadline: Deadline)>()
    private var nextTag = firstSessionTag
    private(set) var ready = Deque<Connection>()
    private(set) var failures = 0
    private(set) var isClosed = false

    /// Starts the handshake of a newly accepted socket, or queues it as
    /// ready when the listener has no key.
    mutating func admit(_ socket: Int32, key: AuthenticationKey?, deadline: Deadline, epoll: Epoll) {
        guard let key else { return finish(socket, reader: nil) }
        var session = HandshakeSession(socket: socket, role: .listener, key: key)
        guard session.start() == .pending else { return fail(socket) }
        let tag = nextTag
        nextTag += 1
        do {
            try epoll.add(socket, events: UInt32(EPOLLIN.rawValue), tag: tag)
        } catch {
            return fail(socket)
        }
        sessions[tag] = session
        expiry.append((tag, deadline))
    }

    /// Reads what the session tagged `tag` received; an unknown tag (a
    /// session that has ended) is ignored.
    mutating func advance(_ tag: UInt64, epoll: Epoll) {
        // Taken out while it reads: a copy left in the table would make its
        // reader's buffer shared, and the first read would copy it whole.
        guard var session = sessions.removeValue(forKey: tag) else { return }
        switch session.advance() {
        case .pending:
            sessions[tag] = session
        case .authenticated:
            epoll.remove(session.socket)
            finish(session.socket, reader: session.reader)
        case .failed:
            epoll.remove(session.socket)
            fail(session.socket)
        }
    }

    /// Fails every handshake whose deadline has passed.
    mutating func expire(epoll: Epoll) {
        let now = Deadline.now
        while let first = expiry.first, first.deadline <= now || sessions[first.tag] == nil {
            expiry.removeFirst()
            if let session = sessions.removeValue(forKey: first.tag) {
                epoll.remove(session.socket)
                fail(session.socket)
            }
        }
    }

    /// When the next handshake expires, if any is running.
    var earliestDeadline: Deadline? {
        expiry.first { sessions[$0.tag] != nil }?.deadline
    }

    mutating func takeReady() -> Connection? {
        ready.popFirst()
    }

    /// Closes every pending socket and every connection nobody accepted.
    mutating func close(epoll: Epoll) {
        isClosed = true
        for session in sessions.values {
            epoll.remove(session.socket)
            closeDescriptor(session.socket)
        }
        sessions.removeAll()
        expiry.removeAll()
        for connection in ready { connection.close() }
        ready.removeAll()
    }

    /// A socket whose handshake passed (or that needs none) becomes a
    /// blocking connection, inheriting what its handshake read ahead.
    private mutating func finish(_ socket: Int32, reader: FrameReader?) {
        do {
            try setNonBlocking(socket, false)
        } catch {
            return fail(socket)
        }
        ready.append(Connection(socket: socket, reader: reader, firstMessageCheck: nil))
    }

    /// Closes a socket whose handshake failed. What the client already sent
    /// (a client sends its challenge behind its answer) is read first: on
    /// TCP, closing with unread data resets the connection, and the client
    /// could lose the `#FAILURE#` that says why.
    private mutating func fail(_ socket: Int32) {
        withUnsafeTemporaryAllocation(byteCount: Handshake.maximumMessageCount, alignment: 1) { scratch in
            var reads = 0
            while reads < 4, ((try? SocketIO.readSome(socket, into: scratch, nonBlocking: true)) ?? 0) > 0 {
                reads += 1
            }
        }
        closeDescriptor(socket)
        failures += 1
    }
}
