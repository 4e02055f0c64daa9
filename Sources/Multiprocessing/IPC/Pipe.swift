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

/// A pair of connected ``Connection``s, usually shared with a child process:
/// Python's `multiprocessing.Pipe`.
///
/// ```swift
/// let (parentEnd, childEnd) = try Pipe().ends
/// let child = try ChildProcess.fork {
///     while let line = try? childEnd.receive(String.self) { print(line) }
///     return 0
/// }
/// try parentEnd.send("hello")
/// parentEnd.close()          // the child's receive then ends: end of stream
/// _ = try child.join()
/// ```
///
/// A duplex pipe (the default) sends both ways. A one-way pipe
/// (`duplex: false`) has a receiving end, `ends.0`, and a sending end, `ends.1`;
/// the wrong direction throws ``ConnectionError/notWritable`` or
/// ``ConnectionError/notReadable``.
///
/// Both kinds are `AF_UNIX` stream sockets (a one-way pipe is a socket pair
/// shut down in one direction rather than a `pipe(2)`): a socket streams
/// faster (<doc:PipesAndConnections> has the figures), can be written with
/// `MSG_NOSIGNAL` (no `SIGPIPE`) and shut down to wake a blocked reader.
/// Descriptors are close-on-exec.
///
/// ## Using a pipe across fork
///
/// After `fork()` the child holds copies of *both* ends. The classic bug is a
/// child that keeps its copy of the parent's end: then the parent closing its
/// end is not the last close, and the child never sees end of stream. This
/// pipe avoids it: the first time an end is used in a forked process, it
/// closes that process's copy of the other end. So in the example above the
/// child's first `receive` on `childEnd` closes its copy of `parentEnd`, and
/// `parentEnd.close()` in the parent ends the child's stream — with no
/// descriptor juggling in the child. Consequently, use only one end of a pipe
/// in each forked process.
///
/// The parent is not a forked process, so nothing is closed for it. The mirror
/// rule applies there, as in Python: if the parent reads from its end until
/// end of stream, it must close its own copy of the child's end after starting
/// the child (`childEnd.close()`), or its reads never end when the child exits.
///
/// Only the ends a forked process *uses* are paired up this way: a process
/// forked without using a pipe keeps its copies of both ends until it exits.
/// With several children, make each child's pipe just before forking it (and
/// close the parent's copy of the child's end right after): a child then only
/// holds copies of earlier pipes' parent ends, so each child sees end of
/// stream at the latest when the children forked after it have exited. Pipes
/// made all up front and handed to children forked later can form a cycle of
/// copies in which no child ever sees end of stream.
public struct Pipe: Sendable {
    /// The two ends. For a one-way pipe, `.0` receives and `.1` sends.
    public let ends: (Connection, Connection)

    /// The requested kernel send buffer of each socket, in bytes.
    public static let sendBufferSize: Int32 = 2 << 20

    /// Creates a connected pair of ends.
    ///
    /// - Parameters:
    ///   - duplex: `true` (the default) for two ends that both send and
    ///     receive; `false` for a receiving end and a sending end.
    ///   - maximumMessageSize: the largest message either end accepts
    ///     (see ``Connection/maximumMessageSize``).
    /// - Throws: ``ConnectionError/system(operation:errno:)`` if the process is
    ///   out of descriptors or memory.
    ///   The corresponding C function is `socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)`.
    public init(duplex: Bool = true, maximumMessageSize: Int = Connection.defaultMaximumMessageSize)
        throws(ConnectionError)
    {
        let (first, second): (Int32, Int32)
        do {
            (first, second) = try makeSocketPair()
        } catch {
            throw .system(operation: "socketpair", errno: error)
        }
        do {
            if !duplex {
                try shutdownSocket(first, .write)
                try shutdownSocket(second, .read)
            }
            for fd in [first, second] where duplex || fd == second {
                try setSendBufferSize(fd, Pipe.sendBufferSize)
            }
        } catch {
            closeDescriptor(first)
            closeDescriptor(second)
            throw .system(operation: duplex ? "setsockopt" : "shutdown", errno: error)
        }
        let a = SharedDescriptor(fd: first)
        let b = SharedDescriptor(fd: second)
        let link = ForkLink(a, b)
        ends = (
            Connection(
                descriptor: a, readable: true, writable: duplex, maximumMessageSize: maximumMessageSize, link: link),
            Connection(
                descriptor: b, readable: duplex, writable: true, maximumMessageSize: maximumMessageSize, link: link)
        )
    }
}
