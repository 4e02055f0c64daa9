import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A descriptor that several threads may use at once and one of them may close.
///
/// Closing a descriptor while another thread is blocked in a call on it is a
/// classic race: the number can be reused by an unrelated `open` before the
/// blocked call returns, which then reads from or writes to the wrong file.
/// So every operation *leases* the descriptor (``lease()``/``release()``), and
/// ``close()`` only marks it closed while leases are out: it shuts a socket
/// down to wake the blocked calls, and the last lease closes the number.
final class SharedDescriptor: @unchecked Sendable {
    /// The descriptor number (still reported after close, for diagnostics).
    let fd: Int32
    /// Sockets are written with `send(MSG_NOSIGNAL)` and can be shut down.
    let isSocket: Bool

    private let lock = PThreadMutex()
    private var isClosedState = false
    private var isReleased = false
    private var leases = 0

    init(fd: Int32, isSocket: Bool) {
        self.fd = fd
        self.isSocket = isSocket
    }

    var isClosed: Bool {
        lock.withLock { isClosedState }
    }

    /// Marks the start of an operation on the descriptor.
    /// - Throws: ``ConnectionError/closed`` once ``close()`` was called.
    func lease() throws(ConnectionError) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosedState else { throw .closed }
        leases += 1
        return fd
    }

    /// Marks the end of an operation; the last one after ``close()`` closes the number.
    func release() {
        let mustClose = lock.withLock {
            leases -= 1
            return takeReleaseIfDue()
        }
        if mustClose { closeDescriptor(fd) }
    }

    /// Closes the descriptor, at once if no operation is running, else when
    /// the last one ends; a socket is shut down first so that operations
    /// blocked on it return. Idempotent.
    func close() {
        let mustClose: Bool = lock.withLock {
            guard !isClosedState else { return false }
            isClosedState = true
            if leases > 0 && isSocket {
                // Under the lock, so the number cannot be closed and reused meanwhile.
                try? shutdownSocket(fd, .both)
            }
            return takeReleaseIfDue()
        }
        if mustClose { closeDescriptor(fd) }
    }

    /// Closes this process's copy in a forked child. Leases counted there
    /// belong to parent threads that do not exist in the child, so they are
    /// ignored, and nothing is shut down (that would end the stream for the
    /// parent, which shares the open socket).
    func closeInForkedChild() {
        let mustClose: Bool = lock.withLock {
            guard !isReleased else { return false }
            isClosedState = true
            isReleased = true
            return true
        }
        if mustClose { closeDescriptor(fd) }
    }

    private func takeReleaseIfDue() -> Bool {
        guard isClosedState && leases == 0 && !isReleased else { return false }
        isReleased = true
        return true
    }
}
