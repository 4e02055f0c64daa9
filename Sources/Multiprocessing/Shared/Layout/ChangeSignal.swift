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
/// store (``SharedAtomic/publish(_:)``), then reads the word
/// (``signal()``): only when the bit is set does it advance the count and
/// clear the bit, and then, after releasing its lock, make one wake-up
/// system call (``wakeSleepers()``). Both take their two steps in the single
/// total order of sequentially consistent operations, so either the
/// signaller sees the bit or the sleeper's last look sees the change: no
/// wake-up is lost, and in a steady stream a signal is one load. Nothing
/// records who sleeps, so a sleeper killed in its sleep leaves only the bit
/// behind: the next signal makes one wake-up call for nobody and clears it.
///
/// A signaller killed between clearing the bit and its wake-up call leaves
/// sleepers that later signallers, seeing no bit, never wake: so no sleep
/// lasts longer than ``longestSleep``, after which the sleeper looks again
/// (and announces itself anew). An idle sleeper pays one wake-up a second.
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

    /// The longest a ``wait(whileUnchanged:until:)`` sleeps before it
    /// returns for another look, whatever its deadline.
    static var longestSleep: Duration { .seconds(1) }

    /// Without any lock: sleeps while the word holds `expected` (no signal
    /// since ``prepareToWait()``), until `deadline` or at most
    /// ``longestSleep``. May return early (look again). Returns `false` once
    /// the deadline passed. Callers look again before they sleep (see
    /// `SpinWait`); this does not.
    func wait(whileUnchanged expected: UInt32, until deadline: Deadline) -> Bool {
        let wakeUp = min(deadline, .after(Self.longestSleep))
        return word.wait(whileEqualTo: expected, until: wakeUp) != .timedOut || wakeUp < deadline
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
