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

// The thread id is read on every lock and unlock: call the inline C function
// (a thread-local load) directly, not through a non-inlinable Platform getter.
internal import CMultiprocessingPlatform
internal import MultiprocessingPlatform

/// The lock of ``ProcessLock`` and ``ProcessRecursiveLock`` (and of the
/// other shared objects): a priority-inheritance futex word, a "busy" mark
/// and a recursion depth, 16 bytes of shared memory.
///
/// ## The protocol
/// The word holds the owner's kernel thread id (0: free), as the kernel's
/// priority-inheritance futexes require. Uncontended, taking and releasing
/// the lock is one compare-and-swap each, in user space (as cheap as a plain
/// mutex). A thread that finds it taken sleeps in `FUTEX_LOCK_PI2`, where
/// the kernel knows the owner.
///
/// ## A dead owner
/// The kernel never leaves a waiter with a dead owner: when an owner exits
/// (its process killed included) while others sleep on the word, the kernel
/// hands the lock to one of them at once; when nobody sleeps, the next taker
/// gets `ESRCH` (the recorded owner does not exist) and takes the word over.
/// Either way the new owner must learn that the previous one died, which
/// the word cannot tell: the busy mark does. Every owner sets it once it
/// holds the word and clears it just before it lets go; a new owner that
/// finds it set knows its predecessor never finished, and reports it. (An
/// owner killed in the instant between taking the word and setting the mark
/// had done nothing yet; one killed after clearing it had finished: neither
/// is reported.)
///
/// Unlike a robust `pthread_mutex_t`, nothing is registered with glibc per
/// acquisition, which is what makes the uncontended path cheap, and nothing
/// points into the mapping after an unlock.
///
/// One limit: if the dead owner's thread id is given to a new thread before
/// anyone takes the lock again (the kernel reuses ids after `pid_max`), a
/// taker waits for that unrelated thread to exit before the kernel hands the
/// lock over (and reports the death).
struct LockWord: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer

    static let size = 16
    private static let ownerMask: UInt32 = 0x3FFF_FFFF

    enum Acquisition: Equatable {
        case acquired, ownerDied, unavailable, alreadyOwned
    }

    init(_ base: UnsafeMutableRawPointer) {
        self.base = base
    }

    private var word: SharedWord { SharedWord(base) }
    /// 1 from the moment an owner holds the word until it releases it.
    private var busy: SharedWord { SharedWord(base + 4) }
    /// Levels a recursive owner holds (read and written by the owner only).
    var depth: SharedWord { SharedWord(base + 12) }

    /// Whether the calling thread owns the lock.
    @inline(__always)
    var isOwnedByCurrentThread: Bool {
        word.load() & Self.ownerMask == UInt32(bitPattern: cmpp_thread_id())
    }

    /// Takes the lock before `deadline` (``Deadline/immediately``: only if free now; `nil`: no deadline).
    @inline(__always)
    func lock(until deadline: Deadline?) -> Acquisition {
        let me = UInt32(bitPattern: cmpp_thread_id())
        if word.compareExchange(expected: 0, desired: me).exchanged { return markedBusy() }
        return lockContended(me, until: deadline ?? .distantFuture)
    }

    /// How many times a contended lock looks again, a CPU pause apart, before
    /// it sleeps in the kernel. What the shared objects do under their locks
    /// takes tens of nanoseconds, so a holder running on another CPU is
    /// nearly always gone by then, while a sleep and a hand-over through the
    /// kernel cost microseconds each (two processes streaming through one
    /// queue convoyed at 6 µs an element). glibc's adaptive mutexes spin
    /// likewise (100 times).
    private static var spinsBeforeSleeping: Int { 100 }

    private func lockContended(_ me: UInt32, until deadline: Deadline) -> Acquisition {
        var spins = deadline == .immediately ? Self.spinsBeforeSleeping : 0
        while true {
            let current = word.load()
            if current & Self.ownerMask == me { return .alreadyOwned }
            if current == 0 {
                if word.compareExchange(expected: 0, desired: me).exchanged { return markedBusy() }
                continue
            }
            if spins < Self.spinsBeforeSleeping {
                spins += 1
                cmpp_cpu_relax()
                continue
            }
            let outcome =
                deadline == .immediately
                ? Futex.tryLockPriorityInheriting(word.address)
                : Futex.lockPriorityInheriting(word.address, until: deadline)
            switch outcome {
            case .acquired:
                return markedBusy()
            case .ownerGone:
                // The recorded owner is gone and nobody was handed the lock:
                // take the word over from it.
                if word.compareExchange(expected: current, desired: me).exchanged { return markedBusy() }
            case .unavailable:
                return .unavailable
            case .alreadyOwned:
                return .alreadyOwned
            }
        }
    }

    /// Marks the lock busy; reports a predecessor that left it busy.
    @inline(__always)
    private func markedBusy() -> Acquisition {
        // Only the owner touches the mark: a load and a store, no atomic
        // read-modify-write.
        let leftBusy = busy.load() != 0
        busy.store(1)
        return leftBusy ? .ownerDied : .acquired
    }

    /// Releases the lock; `false` (changing nothing) if the calling thread does not own it.
    @inline(__always)
    func unlock() -> Bool {
        let me = UInt32(bitPattern: cmpp_thread_id())
        guard word.load() & Self.ownerMask == me else { return false }
        busy.store(0)
        if !word.compareExchange(expected: me, desired: 0).exchanged {
            Futex.unlockPriorityInheriting(word.address)  // someone sleeps on it
        }
        return true
    }
}

extension LockWord {
    /// Runs `body` holding the lock, after `repair` if its last holder died
    /// holding it. For the shared objects whose lock cannot fail otherwise:
    /// no deadline, and their operations never take a lock their thread
    /// holds (a failure is a programmer error in the package, and traps).
    @inline(__always)
    func withLockSurvivingOwnerDeath<R, E: Error>(repairing repair: () -> Void, _ body: () throws(E) -> R) throws(E)
        -> R
    {
        switch lock(until: nil) {
        case .acquired: break
        case .ownerDied: repair()
        case let other: preconditionFailure("a shared object's lock failed: \(other)")
        }
        defer { _ = unlock() }
        return try body()
    }
}
