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
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How the waiters of one place (a queue's gets, a pool's idle workers...)
/// look again for what they wait for before they sleep, and what they
/// learned about it.
///
/// A waiter whose peer answers within microseconds should not pay for a
/// sleep and a wake-up (a futex wait, and a futex wake for the peer) on
/// every hand-over. Two ways of looking again serve two cases:
///
/// - **Yielding the CPU** (`sched_yield`), a bounded number of times, hands
///   it at once to a peer that waits for *this* CPU: the cheapest hand-over
///   between two threads or processes that share one. But on a busy machine
///   a yield hands the CPU to any other runnable thread until the next
///   scheduler tick (4 ms here, for about one yield in ten beside a
///   CPU-bound process), and the yielding thread, not being asleep, gets no
///   wake-up preemption when its peer answers. So a yield that took over a
///   millisecond while more threads were runnable than the machine has CPUs
///   (`/proc/loadavg`) and not this process's (its CPU time, read when the
///   wait began, did not keep pace with the clock; peers in other processes
///   are not seen this way) stops yields at this place for 100 ms: its
///   waiters spin instead, then sleep. Measured here with two CPU-bound
///   processes beside the waiters, yielding regardless made a `ThreadPool`
///   submit-and-wait take 2.6 ms and a `ProcessQueue` round trip 1.4 ms
///   (5.5 and 6.5 µs on an idle machine).
/// - **Spinning**, a CPU pause at a time, for a peer on another CPU. Each
///   spin lasts twice the average time recent spins took to succeed, plus
///   a short probe (so that a place where spins fail keeps trying a little
///   and learns when that changes), at most `longestSpin`; a spin that fails
///   pulls the average down by a quarter. glibc's adaptive mutexes learn
///   their spin count the same way.
package final class SpinPolicy: Sendable {
    /// Who the waiters wait for.
    package enum Peers: Sendable {
        /// Threads of this process: a slow yield during which this
        /// process's CPU time kept pace with the clock ran one of them.
        case inThisProcess
        /// Other processes, whose CPU time this one cannot read cheaply.
        case inOtherProcesses
    }

    fileprivate let peers: Peers
    private let yieldsBeforeSleeping: Int
    private let longestSpinNanoseconds: Int
    /// The average time to success of recent spins, in nanoseconds. Waiters
    /// update it without a lock (relaxed): a lost update only blurs an estimate.
    private let averageSpinNanoseconds = Atomic<Int>(0)
    /// Until when (monotonic nanoseconds) waiters spin instead of yielding.
    private let yieldsPausedUntil = Atomic<UInt64>(0)

    /// The probe every spin is allowed beyond twice the average.
    private static var probeNanoseconds: Int { 300 }
    /// A yield that takes longer than this let some other thread run for a
    /// while: not the quick hand-over yields are for.
    fileprivate static var slowYieldNanoseconds: UInt64 { 1_000_000 }
    /// How long yields stop at a place after a slow one: long enough that
    /// the slice a probing yield may lose on a busy machine costs little.
    private static var yieldPauseNanoseconds: UInt64 { 100_000_000 }

    /// A policy whose waiters, waiting for `peers`, yield at most `yields`
    /// times, or spin at most `longestSpin`, before they sleep.
    package init(peers: Peers, yields: Int, longestSpin: Duration) {
        self.peers = peers
        yieldsBeforeSleeping = yields
        longestSpinNanoseconds = Int(clamping: longestSpin.clampedNanoseconds)
    }

    /// The way to look again for one wait that begins `now`.
    @inline(__always)
    fileprivate func way(now: UInt64) -> SpinWait.Way {
        if !yieldsArePaused(at: now) { return .yielding(left: yieldsBeforeSleeping) }
        return .spinning(limit: spinLimitNanoseconds)
    }

    /// How long a spin that begins now may last, in nanoseconds.
    package var spinLimitNanoseconds: UInt64 {
        let average = averageSpinNanoseconds.load(ordering: .relaxed)
        return UInt64(min(longestSpinNanoseconds, 2 * average + Self.probeNanoseconds))
    }

    /// Whether waits that begin at `now` (monotonic nanoseconds) spin instead of yielding.
    package func yieldsArePaused(at now: UInt64) -> Bool {
        now < yieldsPausedUntil.load(ordering: .relaxed)
    }

    /// Stops yields for the waits that begin in the next 100 ms after `now`
    /// (monotonic nanoseconds), as a slow yield on a busy machine does.
    package func pauseYields(from now: UInt64) {
        yieldsPausedUntil.store(now &+ Self.yieldPauseNanoseconds, ordering: .relaxed)
    }

    fileprivate func recordSpin(succeededAfter nanoseconds: Int) {
        let average = averageSpinNanoseconds.load(ordering: .relaxed)
        averageSpinNanoseconds.store(average + (nanoseconds - average) / 8, ordering: .relaxed)
    }

    fileprivate func recordSpinFailed() {
        let average = averageSpinNanoseconds.load(ordering: .relaxed)
        averageSpinNanoseconds.store(average - average / 4, ordering: .relaxed)
    }
}

/// One waiter's looking again before it sleeps (see ``SpinPolicy``):
///
/// ```swift
/// var spin = SpinWait(policy)
/// defer { spin.finish() }
/// while !isReady() {
///     if spin.pause() { continue }  // look again
///     sleepUntilWoken()
/// }
/// ```
package struct SpinWait {
    fileprivate enum Way {
        /// Not looked again yet: the way is chosen at the first ``pause()``,
        /// so that a wait that needs none never reads the clock.
        case notStarted
        case yielding(left: Int)
        case spinning(limit: UInt64)
        /// Spent: go to sleep.
        case spent
    }

    /// Not retained: a wait is shorter than the life of the queue or pool
    /// that owns the policy, and a retain and release on every put, get or
    /// wait that never needs to look again cost a fast queue a third of its
    /// throughput.
    private unowned(unsafe) let policy: SpinPolicy
    private var way = Way.notStarted
    /// When the wait began, and this process's CPU time then (nanoseconds;
    /// read only for peers in this process).
    private var waitStart: UInt64 = 0
    private var processTimeAtStart: UInt64 = 0
    /// When the last yield was made (monotonic nanoseconds).
    private var lastYield: UInt64 = 0
    /// When the spin began (monotonic nanoseconds), to learn from its success.
    private var spinStart: UInt64 = 0

    /// How many CPU pauses separate two looks while spinning: about 0.1 µs
    /// on this project's VM (`pause` takes 11 ns there, up to 40 ns on newer
    /// Intel cores), so a look, which may take a lock, runs at most a few
    /// million times a second.
    private static var pausesPerLook: Int { 8 }

    package init(_ policy: SpinPolicy) {
        self.policy = policy
    }

    /// Yields or pauses the CPU for a moment and returns `true` (look
    /// again), or returns `false` once this wait's looking is spent (go to
    /// sleep).
    package mutating func pause() -> Bool {
        let now = Deadline.now.nanoseconds
        switch way {
        case .notStarted:
            way = policy.way(now: now)
            waitStart = now
            spinStart = now
            if case .yielding = way, policy.peers == .inThisProcess { processTimeAtStart = processCPUTime() }
        case .yielding where now &- lastYield > SpinPolicy.slowYieldNanoseconds && strangersRan(until: now):
            policy.pauseYields(from: now)
            way = .spinning(limit: policy.spinLimitNanoseconds)
            spinStart = now
            return true  // look again at once: what it waits for may be there
        case .yielding, .spinning, .spent:
            break
        }
        switch way {
        case .notStarted, .spent:
            return false
        case .yielding(let left):
            guard left > 0 else {
                way = .spent
                return false
            }
            way = .yielding(left: left - 1)
            lastYield = now
            _ = sched_yield()  // cannot fail on Linux
            return true
        case .spinning(let limit):
            guard now &- spinStart < limit else {
                way = .spent
                policy.recordSpinFailed()
                return false
            }
            for _ in 0..<Self.pausesPerLook { cmpp_cpu_relax() }
            return true
        }
    }

    /// After a slow yield: whether threads of other programs took the CPU
    /// meanwhile, judged by the machine having more runnable threads than
    /// CPUs while this process did not keep pace.
    private func strangersRan(until now: UInt64) -> Bool {
        !thisProcessKeptPace(until: now) && machineIsOversubscribed()
    }

    /// Whether this process used the CPU for at least three quarters of
    /// the time since the wait began (its other threads ran while this one
    /// yielded); never said for peers in other processes.
    private func thisProcessKeptPace(until now: UInt64) -> Bool {
        guard policy.peers == .inThisProcess else { return false }
        let used = processCPUTime() &- processTimeAtStart
        return used &* 4 >= (now &- waitStart) &* 3
    }

    /// Whether more threads are runnable now, machine-wide, than there are
    /// CPUs online: the fourth field of `/proc/loadavg` ("running/total")
    /// against `sysconf(_SC_NPROCESSORS_ONLN)`. Read only after a slow yield.
    /// A file that cannot be read counts as a busy machine: spinning is the
    /// safe way.
    private func machineIsOversubscribed() -> Bool {
        guard let text = try? readFile(atPath: "/proc/loadavg", maximumCount: 128) else { return true }
        let fields = text.split(separator: UInt8(ascii: " "))
        guard fields.count >= 4, let slash = fields[3].firstIndex(of: UInt8(ascii: "/")),
            let runnable = Int(String(decoding: fields[3][..<slash], as: UTF8.self))
        else { return true }
        return runnable > sysconf(Int32(_SC_NPROCESSORS_ONLN))
    }

    /// This process's CPU time in nanoseconds. The corresponding C function
    /// is `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)` (a system call, 160 ns
    /// here), which cannot fail for the calling process.
    private func processCPUTime() -> UInt64 {
        var time = timespec()
        _ = clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// Ends the wait: if it succeeded while spinning, within the spin's
    /// limit, the policy learns how long that took. Other waits (that
    /// yielded, slept, or stopped spinning at a deadline) teach nothing.
    package func finish() {
        guard case .spinning(let limit) = way else { return }
        let elapsed = Deadline.now.nanoseconds &- spinStart
        guard elapsed <= limit else { return }
        policy.recordSpin(succeededAfter: Int(truncatingIfNeeded: elapsed))
    }
}
