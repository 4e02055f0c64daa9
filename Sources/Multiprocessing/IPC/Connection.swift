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
import Synchronization

/// One end of a ``Pipe``: sends and receives whole messages — `Codable` values
/// or raw bytes — to and from the other end, usually in another process.
///
/// Messages keep their boundaries: each ``send(_:)`` or ``sendBytes(_:)`` is
/// one ``receive(_:)`` or ``receiveBytes()`` on the other side, whatever its
/// size (from 0 bytes to more than 4 GiB), and the calls block until the
/// message is sent or has arrived. A receiver refuses a message larger than its
/// ``maximumMessageSize`` from the header alone, before allocating anything.
/// The framing is Python's `multiprocessing.connection` framing, so
/// ``sendBytes(_:)`` and ``receiveBytes()`` talk to a Python `Connection`'s
/// `recv_bytes()` and `send_bytes()` over a shared socket.
///
/// ```swift
/// let (parentEnd, childEnd) = try Pipe().ends
/// try parentEnd.send(Job(id: 1, input: [1, 2, 3]))
/// let job = try childEnd.receive(Job.self)
/// ```
///
/// ## Threads
///
/// A connection is `Sendable`: several threads may use it at once. Sends are
/// serialized (two concurrent sends never interleave their frames), so are
/// receives, and a send and a receive run concurrently. ``close()`` may be
/// called from any thread at any time; see there for what it does to a
/// blocked operation.
///
/// ## Errors
///
/// Every failure is a ``ConnectionError``; its documentation says which ones
/// leave the connection usable. A peer that closed its end is
/// ``ConnectionError/endOfStream`` for a receiver and
/// ``ConnectionError/peerClosed`` for a sender — the process never gets
/// `SIGPIPE`. Descriptors are close-on-exec.
///
/// ## Descriptors
///
/// Over a Unix-domain socket (a ``Pipe``, a Unix socket address), a value's
/// shared objects (``SharedMemory``, ``SharedValue``, ``ProcessLock``,
/// ``ProcessQueue``...) travel with their descriptors (`SCM_RIGHTS`), so the
/// receiver uses the same memory; ``send(fileDescriptor:)-(Int32)`` and
/// ``receiveFileDescriptor()`` pass one open file of any kind. Every
/// descriptor received is close-on-exec, owned by exactly one object, and
/// never leaked: a receive that does not take the descriptors a message
/// carries closes them and throws ``ConnectionError/unexpectedDescriptors(count:)``,
/// and descriptors the kernel could not install (the open-file limit) are
/// ``ConnectionError/descriptorsTruncated`` with everything received closed.
/// Over TCP no descriptor travels: a named segment goes by its name, an
/// anonymous one fails to encode, and ``send(fileDescriptor:)-(Int32)`` throws
/// ``ConnectionError/descriptorPassingUnsupported``. A frame that carries
/// descriptors uses a header form of this package's own (see `FrameHeader`),
/// which a Python `Connection` does not read.
public final class Connection: Sendable {
    /// The largest message a new connection accepts: the machine's physical
    /// memory, since a larger one could not be held anyway.
    public static var defaultMaximumMessageSize: Int { MemoryLimits.physicalMemory }

    /// Whether this end can receive (`false` for the sending end of a one-way pipe).
    public let isReadable: Bool
    /// Whether this end can send (`false` for the receiving end of a one-way pipe).
    public let isWritable: Bool

    let descriptor: SharedDescriptor
    private let receiveSide: ReceiveSide
    let sendSide = SendSide()
    private let limit: Atomic<Int>
    private let forkTracker: ForkTracker
    /// What kind of socket this is, learned at the first operation that needs it.
    let socketKind = Atomic<SocketKind>(.unknown)
    /// For a connection made without a key: its first message must not be a challenge.
    private let firstMessageCheck: FirstMessageCheck?

    /// `reader` holds what a handshake read beyond its own messages, if any.
    init(
        descriptor: SharedDescriptor, readable: Bool, writable: Bool, maximumMessageSize: Int, link: ForkLink?,
        reader: FrameReader? = nil, firstMessageCheck: FirstMessageCheck? = nil
    ) {
        self.descriptor = descriptor
        self.isReadable = readable
        self.isWritable = writable
        self.receiveSide = ReceiveSide(reader: reader ?? FrameReader(maximumMessageSize: maximumMessageSize))
        self.limit = Atomic(maximumMessageSize)
        self.forkTracker = ForkTracker(link: link)
        self.firstMessageCheck = firstMessageCheck
    }

    /// Takes ownership of an open stream socket (one end of a socket pair, an
    /// accepted connection): it is made close-on-exec and closed with the
    /// connection.
    ///
    /// - Throws: ``ConnectionError/system(operation:errno:)`` with
    ///   `Errno.notSocket` for a descriptor that is not a socket (a pipe, a
    ///   file): connections are sockets only, written with `MSG_NOSIGNAL`.
    package convenience init(
        adopting fd: Int32, readable: Bool, writable: Bool,
        maximumMessageSize: Int = Connection.defaultMaximumMessageSize
    ) throws(ConnectionError) {
        guard isSocket(fd) else { throw .system(operation: "fstat", errno: .notSocket) }
        do {
            try setCloseOnExec(fd)
        } catch {
            throw .system(operation: "fcntl", errno: error)
        }
        self.init(
            descriptor: SharedDescriptor(fd: fd),
            readable: readable, writable: writable, maximumMessageSize: maximumMessageSize, link: nil)
    }

    deinit {
        descriptor.close()
    }

    /// The largest message this end accepts, in bytes. A header announcing
    /// more fails the receive with ``ConnectionError/messageTooLarge(size:limit:)``
    /// without allocating the claimed size. It can be changed at any time, from
    /// any thread; it applies from the next receive on. It does not limit what
    /// this end sends: that is the receiver's business.
    public var maximumMessageSize: Int {
        get { limit.load(ordering: .relaxed) }
        set { limit.store(newValue, ordering: .relaxed) }
    }

    /// The underlying descriptor, for `poll`, `epoll` or `select` by the
    /// caller. It stays owned by the connection: do not close it. After
    /// ``close()`` the number is no longer valid (it may be reused).
    /// ``fileDescriptor(as:)`` gives it as swift-system's `FileDescriptor`.
    public var fileDescriptor: Int32 { descriptor.fd }

    /// Whether ``close()`` was called (in this process). A peer that closed its
    /// end does not make this `true`: that shows as end of stream.
    public var isClosed: Bool { descriptor.isClosed }

    /// Closes this end. Idempotent, and safe to call from any thread.
    ///
    /// Operations started afterwards throw ``ConnectionError/closed``. An
    /// operation blocked on this connection in another thread is woken: the
    /// socket is shut down (which also ends the stream for any other process
    /// that holds a copy of this end), and the blocked call throws
    /// ``ConnectionError/closed``. The descriptor number itself is released when
    /// the last running operation returns, so it is never reused under it.
    /// The peer then sees end of stream once no other process holds a copy of
    /// this end. The corresponding C functions are `shutdown` and `close`.
    public func close() {
        descriptor.close()
    }

    // MARK: Sending

    /// Sends `value` as one message. It blocks until the whole message is in
    /// the kernel's buffers (so, for a large message, until the peer has read
    /// most of it). The shared objects in `value` travel with their
    /// descriptors (see "Descriptors" above): each distinct segment once.
    ///
    /// - Throws: ``ConnectionError/encodingFailed(type:description:)`` (nothing
    ///   was sent; over TCP that is what an anonymous ``SharedMemory``, or an
    ///   object built on one, gives: ``SharedMemoryError/descriptorTransferUnavailable``),
    ///   ``ConnectionError/peerClosed``, ``ConnectionError/notWritable``,
    ///   ``ConnectionError/closed``, or ``ConnectionError/system(operation:errno:)``.
    ///   An interrupted system call (`EINTR`) is not an error: it is resumed,
    ///   and so is a partial write.
    ///   The corresponding C functions are `send` (with `MSG_NOSIGNAL`) and,
    ///   for a value that holds shared objects, `sendmsg` with `SCM_RIGHTS`.
    @inlinable  // specialized in the caller: no generic metadata lookups per message
    public func send<T: Encodable>(_ value: T) throws(ConnectionError) {
        try sendFrame { buffer, collector throws(ConnectionError) in
            try Connection.encode(value, appendingTo: &buffer, collector: collector)
        }
    }

    @usableFromInline
    static func encode<T: Encodable>(
        _ value: T, appendingTo buffer: inout [UInt8], collector: DescriptorCollector
    ) throws(ConnectionError) {
        do {
            try MessageCoding.encode(value, appendingTo: &buffer, descriptors: collector.outgoing)
        } catch {
            throw .encodingFailed(type: String(reflecting: T.self), description: String(describing: error))
        }
    }

    /// Sends one frame whose payload `encode` appends to the buffer it is
    /// given, collecting the descriptors of shared objects in the collector
    /// it is given (none where they cannot travel).
    @usableFromInline
    func sendFrame(
        _ encode: (inout [UInt8], DescriptorCollector) throws(ConnectionError) -> Void
    ) throws(ConnectionError) {
        try withWritableDescriptor { fd throws(ConnectionError) in
            try sendSide.send(to: fd, passingDescriptors: passesDescriptors(fd), encode: encode)
        }
    }

    /// Sends `bytes` as one message (received with ``receiveBytes()``).
    /// A contiguous collection (`[UInt8]`, `Data`, …) is sent without a copy.
    ///
    /// - Throws: as ``send(_:)``, except for encoding.
    ///   The corresponding C function is `sendmsg` (with `MSG_NOSIGNAL`).
    public func sendBytes(_ bytes: some Collection<UInt8>) throws(ConnectionError) {
        try withWritableDescriptor { fd throws(ConnectionError) in
            let sent: Void? = try bytes.withContiguousStorageIfAvailableTyped { buffer throws(ConnectionError) in
                try sendSide.send(to: fd, payload: UnsafeRawBufferPointer(buffer))
            }
            if sent == nil {
                try Array(bytes).withBytes { buffer throws(ConnectionError) in
                    try sendSide.send(to: fd, payload: buffer)
                }
            }
        }
    }

    // MARK: Receiving

    /// Receives the next message as a `T`, blocking until it has arrived.
    ///
    /// The shared objects in the value map the memory the sender's did, from
    /// the descriptors that came with the message.
    ///
    /// - Throws: ``ConnectionError/decodingFailed(type:description:)`` when the
    ///   message is not a `T` (the message is consumed and the connection stays
    ///   usable); ``ConnectionError/unexpectedDescriptors(count:)`` when the
    ///   message carries descriptors the value does not take (a message from
    ///   ``send(fileDescriptor:)-(Int32)``, a value whose type ignores a shared
    ///   object), ``ConnectionError/descriptorsTruncated``,
    ///   ``ConnectionError/missingDescriptors(expected:received:)`` (each
    ///   with every descriptor that came closed, and the connection usable);
    ///   ``ConnectionError/endOfStream``,
    ///   ``ConnectionError/truncatedMessage(expected:received:)``,
    ///   ``ConnectionError/messageTooLarge(size:limit:)``,
    ///   ``ConnectionError/malformedFrame(_:)``, ``ConnectionError/notReadable``,
    ///   ``ConnectionError/closed``, or ``ConnectionError/system(operation:errno:)``.
    ///   An interrupted system call (`EINTR`) is not an error: it is resumed.
    ///   The corresponding C function is `recvmsg`.
    @inlinable  // specialized in the caller: no generic metadata lookups per message
    public func receive<T: Decodable>(_ type: T.Type = T.self) throws(ConnectionError) -> T {
        var result: Result<T, ConnectionError>?
        try receiveFrame { frame in
            result = Result { () throws(ConnectionError) in try Connection.decode(type, from: frame) }
        }
        return try result!.get()
    }

    /// Receives the next message as bytes, blocking until it has arrived.
    ///
    /// - Throws: as ``receive(_:)``, except for decoding: a message that
    ///   carries descriptors is ``ConnectionError/unexpectedDescriptors(count:)``
    ///   (they are closed, the message is consumed).
    ///   The corresponding C function is `recvmsg`.
    public func receiveBytes() throws(ConnectionError) -> [UInt8] {
        var result: Result<[UInt8], ConnectionError> = .success([])
        try receiveFrame { frame in
            if let error = Self.refuse(frame.descriptors) {
                result = .failure(error)
                return
            }
            switch frame.payload {
            case let .borrowed(bytes): result = .success([UInt8](bytes))
            case let .owned(bytes): result = .success(bytes)
            }
        }
        return try result.get()
    }

    // MARK: Internals

    static func decode<T: Decodable>(
        _ type: T.Type, from payload: FrameReader.Payload, descriptors: IncomingDescriptors?
    ) throws(ConnectionError) -> T {
        do {
            return try payload.withBytes { bytes throws(any Error) in
                try MessageCoding.decode(type, from: bytes, descriptors: descriptors)
            }
        } catch {
            throw .decodingFailed(type: String(reflecting: T.self), description: String(describing: error))
        }
    }

    /// Receives one frame and hands it, with the descriptors that came with
    /// it, to `consume` while the receive lock is held.
    @usableFromInline
    func receiveFrame(_ consume: (ReceivedFrame) -> Void) throws(ConnectionError) {
        guard isReadable else { throw .notReadable }
        let fd = try leaseDescriptor()
        defer { descriptor.release() }
        if let firstMessageCheck, firstMessageCheck.isPending {
            return try firstMessageCheck.screen(consume) { screened throws(ConnectionError) in
                try receiveSide.receive(
                    from: fd, maximumMessageSize: maximumMessageSize, wasClosed: { descriptor.isClosed },
                    { payload, descriptors in screened(ReceivedFrame(payload: payload, descriptors: descriptors)) })
            }
        }
        try receiveSide.receive(
            from: fd, maximumMessageSize: maximumMessageSize, wasClosed: { descriptor.isClosed },
            { payload, descriptors in consume(ReceivedFrame(payload: payload, descriptors: descriptors)) })
    }

    func withWritableDescriptor(_ body: (Int32) throws(ConnectionError) -> Void) throws(ConnectionError) {
        guard isWritable else { throw .notWritable }
        let fd = try leaseDescriptor()
        defer { descriptor.release() }
        do throws(ConnectionError) {
            try body(fd)
        } catch .peerClosed where descriptor.isClosed {
            throw .closed
        }
    }

    /// Leases the descriptor after the fork check (which may close a sibling end).
    func leaseDescriptor() throws(ConnectionError) -> Int32 {
        forkTracker.checkForFork(of: descriptor)
        return try descriptor.lease()
    }

    /// Whether a receive would find bytes without reading the descriptor.
    var hasBufferedData: Bool { receiveSide.hasBufferedData }
}

extension Collection {
    /// `withContiguousStorageIfAvailable` with a typed error.
    fileprivate func withContiguousStorageIfAvailableTyped<R, E: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(E) -> R
    ) throws(E) -> R? {
        var failure: E?
        let result = withContiguousStorageIfAvailable { buffer -> R? in
            do throws(E) { return try body(buffer) } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return result ?? nil
    }
}
