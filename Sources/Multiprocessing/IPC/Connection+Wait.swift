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

extension Connection {
    /// Whether a message (or the end of the stream) can be received, waiting
    /// up to `timeout` for one. `.zero` (the default) only looks.
    ///
    /// `true` means ``receive(_:)`` will make progress without waiting for the
    /// peer to *start* a message: bytes have arrived or the stream has ended.
    /// A peer that closed its end is readable, so this returns `true` and the
    /// receive then throws ``ConnectionError/endOfStream`` — that is not an
    /// error of `poll`. If only part of a large message has arrived, the
    /// receive still waits for the rest.
    ///
    /// - Throws: ``ConnectionError/notReadable`` on the sending end of a
    ///   one-way pipe, ``ConnectionError/closed`` after ``close()``.
    ///   A signal (`EINTR`) does not end the wait early.
    ///   The corresponding C function is `poll`.
    public func poll(timeout: Duration = .zero) throws(ConnectionError) -> Bool {
        guard isReadable else { throw .notReadable }
        return try !Connection.wait([self], timeout: timeout).isEmpty
    }

    /// Waits until at least one of `connections` is readable (a message or the
    /// end of stream can be received), or `timeout` passes, and returns the
    /// readable ones in their order in `connections`; Python's
    /// `multiprocessing.connection.wait`.
    ///
    /// - Parameters:
    ///   - connections: the connections to watch; an empty array waits for the timeout.
    ///   - timeout: the longest wait; `nil` waits forever, `.zero` only looks.
    /// - Returns: the ready connections, empty if the timeout passed first.
    ///   A connection whose peer closed is ready (end of stream is readable).
    /// - Throws: ``ConnectionError/closed`` if one of the connections is
    ///   closed (or is closed by another thread during the wait),
    ///   ``ConnectionError/notReadable`` for a send-only end.
    ///   A signal (`EINTR`) does not end the wait early: it resumes with the time left.
    ///   The corresponding C function is `poll`.
    public static func wait(_ connections: [Connection], timeout: Duration?) throws(ConnectionError) -> [Connection] {
        try wait(connections, watching: [], until: timeout.map(Deadline.after) ?? .distantFuture).connections
    }

    /// Waits until at least one of `connections` is readable or one of
    /// `children` has ended, or `timeout` passes; Python's
    /// `multiprocessing.connection.wait` given connections and process sentinels.
    ///
    /// A child that had already ended (joined or not) counts as ended at once.
    /// Nothing is reaped: join an ended child to collect its status.
    ///
    /// - Parameters:
    ///   - connections: the connections to watch, as for ``wait(_:timeout:)``.
    ///   - children: the child processes whose end to watch for.
    ///   - timeout: the longest wait; `nil` waits forever, `.zero` only looks.
    /// - Returns: the ready connections and the ended children, each in their
    ///   order in the arguments; both empty if the timeout passed first.
    /// - Throws: as ``wait(_:timeout:)``.
    ///   The corresponding C function is `poll`, on the children's pidfds too.
    public static func wait(_ connections: [Connection], children: [ChildProcess], timeout: Duration?)
        throws(ConnectionError) -> (connections: [Connection], children: [ChildProcess])
    {
        let deadline = timeout.map(Deadline.after) ?? .distantFuture
        let ready = try wait(connections, watching: children.map(\.exitDescriptor), until: deadline)
        return (ready.connections, ready.others.map { children[$0] })
    }

    /// The ready `connections`, and the indices of the readable descriptors of `others`.
    private static func wait(_ connections: [Connection], watching others: [Int32], until deadline: Deadline)
        throws(ConnectionError) -> (connections: [Connection], others: [Int])
    {
        var leased: [Connection] = []
        leased.reserveCapacity(connections.count)
        defer { for connection in leased { connection.descriptor.release() } }
        for connection in connections {
            guard connection.isReadable else { throw .notReadable }
            _ = try connection.leaseDescriptor()
            leased.append(connection)
        }
        let buffered = connections.filter(\.hasBufferedData)
        let ready: [Int]
        do {
            ready = try pollReadable(
                connections.map(\.descriptor.fd) + others, until: buffered.isEmpty ? deadline : .now)
        } catch {
            throw .system(operation: "poll", errno: error)
        }
        if connections.contains(where: \.isClosed) { throw .closed }
        let readyIndices = Set(ready)
        let readyConnections = connections.enumerated().compactMap { index, connection in
            readyIndices.contains(index) || connection.hasBufferedData ? connection : nil
        }
        return (readyConnections, ready.filter { $0 >= connections.count }.map { $0 - connections.count })
    }
}
