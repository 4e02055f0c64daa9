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

    /// ``load()`` in the single total order of sequentially consistent operations.
    @inline(__always)
    func loadInTotalOrder() -> UInt32 { atomic.load(ordering: .sequentiallyConsistent) }

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

    /// ``setBits(_:)`` in the single total order of sequentially consistent operations.
    @inline(__always) @discardableResult
    func setBitsInTotalOrder(_ mask: UInt32) -> UInt32 {
        atomic.loadThenBitwiseOr(with: mask, ordering: .sequentiallyConsistent)
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
/// "a task was done"), which others sleep on until it does. Sleepers and
/// signallers need not share a lock (a queue's consumers sleep on what its
/// producers signal, each side holding its own lock).
///
/// Bit 0 says someone sleeps or is about to; the rest counts events. A
/// sleeper announces itself by setting the bit (``prepareToWait()``, an
/// atomic read-modify-write), then looks at the state it waits for once
/// more, and sleeps only if it must, while the word holds the value it set.
/// A signaller first changes that state with a sequentially consistent
/// store (``SharedPosition/publish(_:)``), then reads the word
/// (``signal()``): only when the bit is set does it advance the count and
/// clear the bit, and then, after releasing its lock, make one wake-up
/// system call (``wakeSleepers()``). Both take their two steps in the single
/// total order of sequentially consistent operations, so either the
/// signaller sees the bit or the sleeper's last look sees the change: no
/// wake-up is lost, and in a steady stream a signal is one load. Nothing
/// records who sleeps, so a sleeper killed in its sleep leaves only the bit
/// behind: the next signal makes one wake-up call for nobody and clears it.
struct ChangeSignal: Sendable {
    private let word: SharedWord

    init(_ address: UnsafeMutableRawPointer) {
        word = SharedWord(address)
    }

    private static let sleepersBit: UInt32 = 1

    /// Announces a sleeper; returns the value to pass to
    /// ``wait(whileUnchanged:until:)`` after one more look at the state.
    func prepareToWait() -> UInt32 {
        word.setBitsInTotalOrder(Self.sleepersBit) | Self.sleepersBit
    }

    /// Without any lock: sleeps while the word holds `expected` (no signal
    /// since ``prepareToWait()``), until `deadline`. May return early
    /// (look again). Returns `false` once the deadline passed.
    ///
    /// It does not spin before sleeping: measured here (A/B in one run,
    /// 0/16/64/256 looks), no spin and 16 looks were alike, and longer spins
    /// made round trips between two processes several times slower on a busy
    /// machine (the spinners take the CPU their peers need).
    func wait(whileUnchanged expected: UInt32, until deadline: Deadline) -> Bool {
        word.wait(whileEqualTo: expected, until: deadline) != .timedOut
    }

    /// After the change was stored: records an event if someone sleeps;
    /// returns whether ``wakeSleepers()`` must be called (once any lock is
    /// released). A signaller that loses a race to another signaller leaves
    /// the wake-up to it: that one wakes every sleeper.
    @inline(__always)
    func signal() -> Bool {
        let current = word.loadInTotalOrder()
        guard current & Self.sleepersBit != 0 else { return false }
        // Odd plus one: the count advances and the bit clears.
        return word.compareExchange(expected: current, desired: current &+ 1).exchanged
    }

    /// After a ``signal()`` that returned `true`: wakes every sleeper, in
    /// every process.
    func wakeSleepers() {
        word.wake()
    }
}
