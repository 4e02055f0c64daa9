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
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Waits and wake-ups on 32-bit words that several processes share (a
/// `MAP_SHARED` mapping of the same file): the kernel's `futex(2)`, without
/// `FUTEX_PRIVATE_FLAG`, so a wake in one process reaches waiters in others.
///
/// A futex keeps no state of its own in user memory: a process killed while
/// it sleeps in ``wait(on:whileEqualTo:until:)`` simply leaves the kernel's
/// queue. That is what lets the package's process-shared waits tolerate dead
/// waiters, where glibc's process-shared condition variables do not.
package enum Futex {
    /// Why a wait returned.
    package enum WaitOutcome: Sendable, Equatable {
        /// A wake-up came (possibly a spurious one: re-check the word).
        case woken
        /// The word did not hold the expected value when the wait began.
        case valueChanged
        /// The deadline passed.
        case timedOut
    }

    /// Sleeps while `word` holds `expected`, until a ``wake(_:count:)`` or
    /// `deadline`. `EINTR` is retried with the same absolute deadline.
    ///
    /// The corresponding C function is `futex(FUTEX_WAIT_BITSET)` on `CLOCK_MONOTONIC`.
    package static func wait(
        on word: UnsafeMutableRawPointer, whileEqualTo expected: UInt32, until deadline: Deadline
    ) -> WaitOutcome {
        let address = word.assumingMemoryBound(to: UInt32.self)
        do {
            if deadline == .distantFuture {
                try nothingOrErrno { cmpp_futex_wait(address, expected, nil) }
            } else {
                var time = deadline.absoluteTimespec
                try nothingOrErrno { cmpp_futex_wait(address, expected, &time) }
            }
            return .woken
        } catch {
            return outcome(of: error, call: "FUTEX_WAIT_BITSET")
        }
    }

    /// Wakes at most `count` waiters of `word`, in any process; returns how
    /// many woke. Waking a word nobody waits on is not an error.
    ///
    /// The corresponding C function is `futex(FUTEX_WAKE)`.
    @discardableResult
    package static func wake(_ word: UnsafeMutableRawPointer, count: Int32 = .max) -> Int {
        let address = word.assumingMemoryBound(to: UInt32.self)
        do {
            return Int(try valueOrErrno { cmpp_futex_wake(address, count) })
        } catch {
            // EFAULT or EINVAL: the word is not mapped or not aligned — a
            // programmer error in the package, never an environment failure.
            preconditionFailure("futex(FUTEX_WAKE) failed: \(error)")
        }
    }

    /// The most words ``waitAny(_:until:)`` watches at once.
    package static let waitAnyLimit = Int(CMPP_FUTEX_WAIT_ANY_MAX)

    /// Sleeps until any of `words` is woken (each while it holds its expected
    /// value) or `deadline` passes; returns the outcome and, when woken, the
    /// index of a woken word. At most ``waitAnyLimit`` words.
    ///
    /// The corresponding C function is `futex_waitv` (Linux 5.16 and later).
    package static func waitAny(
        _ words: [(word: UnsafeMutableRawPointer, expected: UInt32)], until deadline: Deadline
    ) -> (outcome: WaitOutcome, index: Int?) {
        precondition(!words.isEmpty && words.count <= waitAnyLimit, "futex_waitv takes 1...\(waitAnyLimit) words")
        let addresses: [UnsafeMutablePointer<UInt32>?] = words.map { $0.word.assumingMemoryBound(to: UInt32.self) }
        let expected = words.map(\.expected)
        do {
            let index = try addresses.withUnsafeBufferPointer { addressBuffer throws(Errno) in
                try expected.withUnsafeBufferPointer { expectedBuffer throws(Errno) in
                    if deadline == .distantFuture {
                        return try valueOrErrno {
                            cmpp_futex_wait_any(
                                addressBuffer.baseAddress, expectedBuffer.baseAddress, Int32(words.count), nil)
                        }
                    }
                    var time = deadline.absoluteTimespec
                    return try valueOrErrno {
                        cmpp_futex_wait_any(
                            addressBuffer.baseAddress, expectedBuffer.baseAddress, Int32(words.count), &time)
                    }
                }
            }
            return (.woken, Int(index))
        } catch {
            return (outcome(of: error, call: "futex_waitv"), nil)
        }
    }

    // MARK: Priority-inheritance futexes

    /// What a priority-inheritance lock call got.
    package enum LockOutcome: Sendable, Equatable {
        /// The caller owns the word (the kernel may have handed it over from
        /// an owner that exited while the caller waited).
        case acquired
        /// The owner recorded in the word no longer exists (it died without
        /// releasing it, and nobody was waiting at that moment).
        case ownerGone
        /// The deadline passed, or (for a try) a live thread owns it.
        case unavailable
        /// The caller owns it already.
        case alreadyOwned
    }

    /// Takes the priority-inheritance futex `word` (whose low 30 bits are the
    /// owner's thread id) for the calling thread, sleeping until `deadline`;
    /// `EINTR` is retried with the same absolute deadline.
    ///
    /// The corresponding C function is `futex(FUTEX_LOCK_PI2)` on `CLOCK_MONOTONIC`.
    package static func lockPriorityInheriting(_ word: UnsafeMutableRawPointer, until deadline: Deadline) -> LockOutcome
    {
        let address = word.assumingMemoryBound(to: UInt32.self)
        do {
            if deadline == .distantFuture {
                try nothingOrErrno { cmpp_futex_lock_pi(address, nil) }
            } else {
                var time = deadline.absoluteTimespec
                try nothingOrErrno { cmpp_futex_lock_pi(address, &time) }
            }
            return .acquired
        } catch {
            return lockOutcome(of: error, call: "FUTEX_LOCK_PI2")
        }
    }

    /// Takes the priority-inheritance futex `word` if no live thread owns it.
    ///
    /// The corresponding C function is `futex(FUTEX_TRYLOCK_PI)`.
    package static func tryLockPriorityInheriting(_ word: UnsafeMutableRawPointer) -> LockOutcome {
        let address = word.assumingMemoryBound(to: UInt32.self)
        do {
            try nothingOrErrno { cmpp_futex_trylock_pi(address) }
            return .acquired
        } catch {
            return lockOutcome(of: error, call: "FUTEX_TRYLOCK_PI")
        }
    }

    /// Releases the priority-inheritance futex `word`, owned by the calling
    /// thread, handing it to the first waiter.
    ///
    /// The corresponding C function is `futex(FUTEX_UNLOCK_PI)`.
    package static func unlockPriorityInheriting(_ word: UnsafeMutableRawPointer) {
        let address = word.assumingMemoryBound(to: UInt32.self)
        do {
            try nothingOrErrno { cmpp_futex_unlock_pi(address) }
        } catch {
            preconditionFailure("futex(FUTEX_UNLOCK_PI) failed: \(error)")
        }
    }

    /// The kernel thread id of the calling thread, cached per thread (and
    /// forgotten in the child of `fork`). The corresponding C function is `gettid`.
    @inline(__always)
    package static var currentThreadID: UInt32 {
        UInt32(bitPattern: cmpp_thread_id())
    }

    private static func lockOutcome(of error: Errno, call: String) -> LockOutcome {
        switch error {
        case .noSuchProcess: return .ownerGone
        case .timedOut, .resourceTemporarilyUnavailable, .resourceBusy: return .unavailable
        case .deadlock: return .alreadyOwned
        default: preconditionFailure("\(call) failed: \(error)")
        }
    }

    private static func outcome(of error: Errno, call: String) -> WaitOutcome {
        switch error {
        case .resourceTemporarilyUnavailable: return .valueChanged
        case .timedOut: return .timedOut
        default: preconditionFailure("\(call) failed: \(error)")
        }
    }
}
