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

/// Why a job submitted to an executor did not produce its output, when the
/// reason lies with the executor rather than with the job's own code.
///
/// An error thrown by a job's ``Job/run()`` is passed through as it is and is
/// never wrapped in a `JobError`.
public enum JobError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The job was cancelled (``JobFuture/cancel()``, or the awaiting task was
    /// cancelled) before it finished.
    case cancelled
    /// The executor was shut down or terminated before the job could run.
    case shutDown
    /// ``JobFuture/wait(timeout:)`` gave up waiting. The job itself is not
    /// affected and may still finish.
    case waitTimedOut(Duration)
    /// The job ran longer than the executor's per-job limit and was stopped.
    case timedOut(Duration)

    public var description: String {
        switch self {
        case .cancelled: "the job was cancelled"
        case .shutDown: "the executor was shut down before the job could run"
        case .waitTimedOut(let limit): "the job did not finish within the wait timeout of \(limit)"
        case .timedOut(let limit): "the job exceeded its time limit of \(limit) and was stopped"
        }
    }
}
