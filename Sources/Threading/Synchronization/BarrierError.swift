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

/// Why ``Barrier/wait(timeout:)`` did not pass the barrier.
public enum BarrierError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The barrier is broken: it was aborted, reset while this thread waited,
    /// a waiter timed out, or the action failed. Python's `BrokenBarrierError`.
    case broken

    public var description: String {
        switch self {
        case .broken: "the barrier is broken (aborted, reset, or a waiter timed out)"
        }
    }
}
