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

import Atomics
internal import MultiprocessingPlatform

/// A 32-bit word in shared memory that processes change atomically and
/// wait on with a futex: the building block of every process-shared wait.
///
/// `UnsafeAtomic` (swift-atomics) fits exactly: it is made for atomics at
/// an address the caller manages, which a mapping shared by several
/// processes is, at a different address in each. (`Synchronization.Atomic`
/// is a value with its own storage; it cannot be placed over memory
/// another process initialized.)
struct SharedWord: @unchecked Sendable {  // every access is atomic
    let address: UnsafeMutableRawPointer

    init(_ address: UnsafeMutableRawPointer) {
        self.address = address
    }

    @inline(__always)
    private var atomic: UnsafeAtomic<UInt32> {
        UnsafeAtomic(at: address.assumingMemoryBound(to: UInt32.AtomicRepresentation.self))
    }

    @inline(__always)
    func load() -> UInt32 { atomic.load(ordering: .acquiring) }

    @inline(__always)
    func store(_ value: UInt32) { atomic.store(value, ordering: .releasing) }

    /// Adds `delta` (wrapping) and returns the value before.
    @inline(__always) @discardableResult
    func add(_ delta: UInt32) -> UInt32 {
        atomic.loadThenWrappingIncrement(by: delta, ordering: .acquiringAndReleasing)
    }

    /// Replaces the value and returns the one before.
    @inline(__always) @discardableResult
    func exchange(_ value: UInt32) -> UInt32 {
        atomic.exchange(value, ordering: .acquiringAndReleasing)
    }

    /// Sets the bits of `mask`; returns the value before.
    @inline(__always) @discardableResult
    func setBits(_ mask: UInt32) -> UInt32 {
        atomic.loadThenBitwiseOr(with: mask, ordering: .acquiringAndReleasing)
    }

    /// Replaces `expected` with `desired`; returns whether it did and the value found.
    @inline(__always)
    func compareExchange(expected: UInt32, desired: UInt32) -> (exchanged: Bool, original: UInt32) {
        atomic.compareExchange(expected: expected, desired: desired, ordering: .acquiringAndReleasing)
    }

    /// Sleeps while the word holds `expected`, until woken or `deadline`.
    func wait(whileEqualTo expected: UInt32, until deadline: Deadline) -> Futex.WaitOutcome {
        Futex.wait(on: address, whileEqualTo: expected, until: deadline)
    }

    /// Wakes up to `count` sleepers, in every process.
    func wake(_ count: Int32 = .max) {
        Futex.wake(address, count: count)
    }
}

/// A word that changes every time something happens ("an element was put",
/// "a task was done"), which others sleep on until it does. Every change is
/// made holding the lock of the state it is about, so plain atomic loads
/// and stores do (no read-modify-write instruction).
///
/// Bit 0 says someone sleeps or is about to; the rest counts events. A
/// sleeper sets the bit holding the lock (``prepareToWait()``), releases the
/// lock, then sleeps while the word holds that value. A signaller holding
/// the lock advances the count and clears the bit only when the bit is set
/// (``signal()``), and then, after releasing the lock, makes one wake-up
/// system call (``wakeSleepers()``): in a steady stream nobody sleeps and a
/// signal is one load. Nothing records who sleeps, so a sleeper killed in its
/// sleep leaves only the bit behind: the next signal makes one wake-up call
/// for nobody and clears it.
struct ChangeSignal: Sendable {
    private let word: SharedWord

    init(_ address: UnsafeMutableRawPointer) {
        word = SharedWord(address)
    }

    private static let sleepersBit: UInt32 = 1

    /// Holding the lock: announces a sleeper; returns the value to pass to
    /// ``wait(whileUnchanged:until:)`` after releasing the lock.
    func prepareToWait() -> UInt32 {
        let sleeping = word.load() | Self.sleepersBit
        word.store(sleeping)
        return sleeping
    }

    /// Without the lock: sleeps while the word holds `expected` (no signal
    /// since ``prepareToWait()``), until `deadline`. May return early
    /// (re-check under the lock). Returns `false` once the deadline passed.
    ///
    /// It does not spin before sleeping: measured here (A/B in one run,
    /// 0/16/64/256 looks), no spin and 16 looks were alike, and longer spins
    /// made round trips between two processes several times slower on a busy
    /// machine (the spinners take the CPU their peers need).
    func wait(whileUnchanged expected: UInt32, until deadline: Deadline) -> Bool {
        word.wait(whileEqualTo: expected, until: deadline) != .timedOut
    }

    /// Holding the lock: records an event if someone sleeps; returns whether
    /// ``wakeSleepers()`` must be called once the lock is released.
    @inline(__always)
    func signal() -> Bool {
        let current = word.load()
        guard current & Self.sleepersBit != 0 else { return false }
        word.store((current &+ 2) & ~Self.sleepersBit)
        return true
    }

    /// Without the lock, after a ``signal()`` that returned `true`: wakes
    /// every sleeper, in every process.
    func wakeSleepers() {
        word.wake()
    }
}
