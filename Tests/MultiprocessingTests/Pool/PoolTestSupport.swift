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

import Testing

@testable import Multiprocessing

/// Every pool suite, one at a time: pools hold descriptors and start children,
/// and tests elsewhere that count this process's descriptors or children run
/// in parallel with them; one pool test at a time keeps that noise small.
@Suite("ProcessPool", .serialized, .timeLimit(.minutes(2)))
enum ProcessPoolSuites {}

extension ProcessPool {
    /// How many workers are running a job now (asked on the pool's I/O
    /// thread): the hand-off for "the job has started".
    func runningJobCount() async -> Int {
        await core.inspect { loop in
            loop.workers.values.count { $0.state == .running && $0.isReady && loop.scheduler.head(of: $0.id) != nil }
        } ?? 0
    }
}
