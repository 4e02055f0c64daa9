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

#if canImport(Glibc)
    package import Glibc
#endif

/// A point on the monotonic clock (`CLOCK_MONOTONIC`), the one clock every
/// timeout in the package is measured on, so that a change of the wall clock
/// never shortens or stretches a wait.
package struct Deadline: Sendable, Comparable, Hashable {
    /// Nanoseconds since an arbitrary fixed point (boot).
    package var nanoseconds: UInt64

    package init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// The current time. The corresponding C function is `clock_gettime(CLOCK_MONOTONIC)`.
    package static var now: Deadline {
        var ts = timespec()
        let rc = clock_gettime(CLOCK_MONOTONIC, &ts)
        precondition(rc == 0, "clock_gettime(CLOCK_MONOTONIC) failed")
        return Deadline(nanoseconds: UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec))
    }

    /// A deadline that is never reached.
    package static let distantFuture = Deadline(nanoseconds: .max)

    /// `duration` from now; a negative duration means now, a huge one `distantFuture`.
    package static func after(_ duration: Duration) -> Deadline {
        now.advanced(by: duration)
    }

    package func advanced(by duration: Duration) -> Deadline {
        let delta = duration.clampedNanoseconds
        let (sum, overflow) = nanoseconds.addingReportingOverflow(delta)
        return overflow ? .distantFuture : Deadline(nanoseconds: sum)
    }

    /// Time left until the deadline; zero once it has passed.
    package var remaining: Duration {
        let current = Deadline.now.nanoseconds
        guard nanoseconds > current else { return .zero }
        if self == .distantFuture { return .seconds(Int64.max) }
        return .nanoseconds(Int64(clamping: nanoseconds - current))
    }

    package var hasPassed: Bool { Deadline.now >= self }

    /// The remaining time in whole milliseconds, rounded up, for `poll(2)` and
    /// `epoll_wait(2)`: -1 for `distantFuture`, 0 once passed.
    package var remainingMillisecondsForPoll: Int32 {
        if self == .distantFuture { return -1 }
        let current = Deadline.now.nanoseconds
        guard nanoseconds > current else { return 0 }
        let millis = (nanoseconds - current + 999_999) / 1_000_000
        return Int32(clamping: millis)
    }

    /// The deadline as an absolute `timespec` on `CLOCK_MONOTONIC`.
    package var absoluteTimespec: timespec {
        let capped = min(nanoseconds, UInt64(Int64.max))
        return timespec(tv_sec: Int(capped / 1_000_000_000), tv_nsec: Int(capped % 1_000_000_000))
    }

    package static func < (lhs: Deadline, rhs: Deadline) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }
}

extension Duration {
    /// The duration in nanoseconds, negative durations as zero, huge ones saturated.
    package var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        // A negative duration has both parts at most zero (-1 ms is 0 s and
        // -10^15 attoseconds), so either may carry the sign.
        if seconds < 0 || attoseconds < 0 { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return overflow2 ? .max : sum
    }
}
