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

import MultiprocessingPlatform
import Testing

/// The rules of looking again before sleeping: every wait ends, yields stop
/// when the machine is busy, and spins learn their length from how soon
/// recent ones succeeded. What the rules buy is measured by the benchmarks
/// (`shared-benchmark`, `threading-benchmark`), beside CPU-bound processes too.
@Suite("Spinning before sleeping")
struct SpinWaitTests {
    /// Pauses until the wait is spent; the count of looks it allowed.
    private func looksUntilSpent(_ policy: SpinPolicy) -> Int {
        var spin = SpinWait(policy)
        var looks = 0
        while spin.pause() && looks < 10_000_000 { looks += 1 }
        spin.finish()
        return looks
    }

    /// One wait that succeeds after its first pause.
    private func waitSucceedingAfterOneLook(_ policy: SpinPolicy) {
        var spin = SpinWait(policy)
        _ = spin.pause()
        spin.finish()
    }

    @Test func aWaitWhosePeerNeverAnswersEnds() {
        let policy = SpinPolicy(peers: .inOtherProcesses, yields: 16, longestSpin: .microseconds(20))
        for _ in 0..<3 {
            let looks = looksUntilSpent(policy)
            #expect(looks >= 1 && looks < 10_000_000, "a wait looked \(looks) times")
        }
    }

    @Test func aFreshPolicySpinsForItsProbeOnceYieldsArePaused() {
        let policy = SpinPolicy(peers: .inThisProcess, yields: 8, longestSpin: .microseconds(20))
        let now = Deadline.now.nanoseconds
        #expect(!policy.yieldsArePaused(at: now))
        policy.pauseYields(from: now)
        #expect(policy.yieldsArePaused(at: now))
        #expect(!policy.yieldsArePaused(at: now + 100_000_001), "the pause lasts 100 ms")
        #expect(policy.spinLimitNanoseconds == 300)
        let start = Deadline.now.nanoseconds
        #expect(looksUntilSpent(policy) >= 1)
        #expect(Deadline.now.nanoseconds - start >= 300, "the spin lasted its probe")
        #expect(policy.spinLimitNanoseconds == 300, "a failed spin leaves an average of zero at zero")
    }

    @Test func spinsThatSucceedTeachALongerSpinAndFailuresUndoIt() {
        let policy = SpinPolicy(peers: .inOtherProcesses, yields: 64, longestSpin: .microseconds(20))
        for _ in 0..<200 {
            policy.pauseYields(from: Deadline.now.nanoseconds)
            waitSucceedingAfterOneLook(policy)
        }
        let learned = policy.spinLimitNanoseconds
        #expect(learned > 300, "successes after a look raise the limit above the probe")
        #expect(learned <= 20_000, "never beyond the longest spin")
        for _ in 0..<60 {
            policy.pauseYields(from: Deadline.now.nanoseconds)
            _ = looksUntilSpent(policy)
        }
        #expect(policy.spinLimitNanoseconds < learned, "failed spins pull the limit back down")
    }

    @Test func aWaitThatYieldedTeachesNothing() {
        let policy = SpinPolicy(peers: .inOtherProcesses, yields: 4, longestSpin: .microseconds(20))
        for _ in 0..<20 { waitSucceedingAfterOneLook(policy) }
        #expect(policy.spinLimitNanoseconds == 300)
    }
}
