package import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Whole-buffer reads and writes on a blocking descriptor: partial transfers
/// are continued, `EINTR` is retried, and a write to a vanished peer is the
/// error `EPIPE`, never the signal `SIGPIPE`.
///
/// Sockets are written with `sendmsg(MSG_NOSIGNAL)`. Other descriptors (pipes
/// a caller adopted) are written with `writev` while `SIGPIPE` is blocked on
/// the calling thread; a `SIGPIPE` the write raised is then consumed with
/// `sigtimedwait` before the mask is restored, so the process never sees it.
package enum DescriptorIO {
    /// Writes all of `first`, then all of `second`, gathering both into as few
    /// system calls as the kernel allows.
    ///
    /// - Throws: the `Errno` of the failed call (`EPIPE` or `ECONNRESET` when the peer is gone).
    package static func writeAll(
        _ fd: Int32, isSocket: Bool,
        _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) throws(Errno) {
        if second.isEmpty {
            return try writeAll(fd, isSocket: isSocket, first)
        }
        var vectors = (
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count)
        )
        try withUnsafeMutableBytes(of: &vectors) { raw throws(Errno) in
            let iov = raw.baseAddress!.assumingMemoryBound(to: iovec.self)
            var index = advance(iov, from: 0, by: 0) // skips empty buffers
            while index < 2 {
                let written = try writeVectors(fd, isSocket: isSocket, iov + index, count: 2 - index)
                index = advance(iov, from: index, by: written)
            }
        }
    }

    /// Writes all of `buffer` with `send` (or `write`), one buffer being
    /// slightly cheaper to hand to the kernel than a message of vectors.
    private static func writeAll(_ fd: Int32, isSocket: Bool, _ buffer: UnsafeRawBufferPointer) throws(Errno) {
        var offset = 0
        while offset < buffer.count {
            let start = buffer.baseAddress! + offset
            let count = buffer.count - offset
            offset += try isSocket
                ? valueOrErrno { send(fd, start, count, Int32(MSG_NOSIGNAL)) }
                : withSIGPIPEBlocked { () throws(Errno) in try valueOrErrno { write(fd, start, count) } }
        }
    }

    /// Reads at most `buffer.count` bytes and returns how many it read: 0 only
    /// at end of stream. Blocks until at least one byte is available, unless
    /// `nonBlocking` (sockets only), which throws `Errno.wouldBlock` instead.
    /// The corresponding C functions are `recv` and `read`.
    package static func readSome(
        _ fd: Int32, isSocket: Bool, into buffer: UnsafeMutableRawBufferPointer, nonBlocking: Bool = false
    ) throws(Errno) -> Int {
        guard buffer.count > 0 else { return 0 }
        precondition(isSocket || !nonBlocking, "non-blocking reads need a socket")
        let flags = nonBlocking ? Int32(MSG_DONTWAIT) : 0
        return try valueOrErrno {
            isSocket ? recv(fd, buffer.baseAddress, buffer.count, flags) : read(fd, buffer.baseAddress, buffer.count)
        }
    }

    /// Sends what a socket's buffer accepts now of `buffer`, without blocking,
    /// and returns how many bytes that was; a full buffer throws `Errno.wouldBlock`.
    /// The corresponding C function is `send` (with `MSG_DONTWAIT | MSG_NOSIGNAL`).
    package static func sendSome(_ socket: Int32, _ buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try valueOrErrno { send(socket, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
    }

    // MARK: Internals

    /// Skips the `written` bytes in the vectors from `index` on; returns the first vector with bytes left.
    private static func advance(_ iov: UnsafeMutablePointer<iovec>, from index: Int, by written: Int) -> Int {
        var index = index
        var written = written
        while index < 2 {
            let length = iov[index].iov_len
            if written < length {
                iov[index].iov_base = iov[index].iov_base.map { $0 + written }
                iov[index].iov_len = length - written
                return index
            }
            written -= length
            index += 1
        }
        return index
    }

    private static func writeVectors(
        _ fd: Int32, isSocket: Bool, _ iov: UnsafeMutablePointer<iovec>, count: Int
    ) throws(Errno) -> Int {
        if isSocket {
            var message = msghdr()
            message.msg_iov = iov
            message.msg_iovlen = count
            return try valueOrErrno { sendmsg(fd, &message, Int32(MSG_NOSIGNAL)) }
        }
        return try withSIGPIPEBlocked { () throws(Errno) in
            try valueOrErrno { writev(fd, iov, Int32(count)) }
        }
    }

    /// Runs `body` with `SIGPIPE` blocked on this thread and consumes a
    /// `SIGPIPE` it raised, so a write to a closed pipe only returns `EPIPE`.
    private static func withSIGPIPEBlocked<T>(_ body: () throws(Errno) -> T) throws(Errno) -> T {
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        var previous = sigset_t()
        let blocked = pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous)
        precondition(blocked == 0, "pthread_sigmask failed: \(blocked)")
        let wasBlocked = sigismember(&previous, SIGPIPE) == 1
        defer {
            if !wasBlocked {
                var pending = sigset_t()
                if sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1 {
                    var zero = timespec(tv_sec: 0, tv_nsec: 0)
                    _ = try? valueOrErrno { sigtimedwait(&pipeOnly, nil, &zero) }
                }
                let restored = pthread_sigmask(SIG_SETMASK, &previous, nil)
                precondition(restored == 0, "pthread_sigmask failed: \(restored)")
            }
        }
        return try body()
    }
}
