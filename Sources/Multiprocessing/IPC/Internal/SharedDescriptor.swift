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
///
/// The state is one atomic word, so a lease costs two uncontended atomic
/// additions and no lock: `leases << 2 | released << 1 | closed`.
final class SharedDescriptor: Sendable {
    /// The descriptor number (still reported after close, for diagnostics).
    let fd: Int32

    private static let closedBit = 1
    private static let releasedBit = 2
    private static let oneLease = 4

    private let state = Atomic<Int>(0)

    init(fd: Int32) {
        self.fd = fd
    }

    var isClosed: Bool {
        state.load(ordering: .acquiring) & Self.closedBit != 0
    }

    /// Marks the start of an operation on the descriptor.
    /// - Throws: ``ConnectionError/closed`` once ``close()`` was called.
    @inline(__always)
    func lease() throws(ConnectionError) -> Int32 {
        var current = state.load(ordering: .relaxed)
        while true {
            guard current & Self.closedBit == 0 else { throw .closed }
            let (exchanged, original) = state.weakCompareExchange(
                expected: current, desired: current + Self.oneLease,
                successOrdering: .acquiring, failureOrdering: .relaxed)
            if exchanged { return fd }
            current = original
        }
    }

    /// Marks the end of an operation; the last one after ``close()`` closes the number.
    @inline(__always)
    func release() {
        let remaining = state.subtract(Self.oneLease, ordering: .acquiringAndReleasing).newValue
        if remaining == Self.closedBit { releaseIfLast(remaining) }
    }

    /// Closes the descriptor, at once if no operation is running, else when
    /// the last one ends; a socket is shut down first so that operations
    /// blocked on it return. Idempotent.
    func close() {
        // Hold a lease meanwhile, so that the number cannot be closed (and
        // reused) under the shutdown below by the last other lease.
        state.add(Self.oneLease, ordering: .acquiring)
        let before = state.bitwiseOr(Self.closedBit, ordering: .acquiringAndReleasing).oldValue
        if before & Self.closedBit == 0 && before >> 2 > 1 {
            try? shutdownSocket(fd, .both)
        }
        release()
    }

    /// Closes this process's copy in a forked child. Leases counted there
    /// belong to parent threads that do not exist in the child, so they are
    /// ignored, and nothing is shut down (that would end the stream for the
    /// parent, which shares the open socket).
    func closeInForkedChild() {
        let before = state.bitwiseOr(Self.closedBit | Self.releasedBit, ordering: .acquiringAndReleasing).oldValue
        if before & Self.releasedBit == 0 { closeDescriptor(fd) }
    }

    /// Closes the number if `observed` (closed, no lease) is still the state; exactly once.
    private func releaseIfLast(_ observed: Int) {
        let (exchanged, _) = state.compareExchange(
            expected: observed, desired: observed | Self.releasedBit, ordering: .acquiringAndReleasing)
        if exchanged { closeDescriptor(fd) }
    }
}
