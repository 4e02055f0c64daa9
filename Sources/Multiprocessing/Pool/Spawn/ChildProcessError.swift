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

public import SystemPackage

/// Why a ``SpawnedJob`` did not deliver its job's output, when the cause is
/// the process rather than the job (an error the job throws arrives as
/// itself, or as a ``RemoteError`` when its type is not `Codable`).
///
/// It is an enum for the reasons ``ProcessPoolError`` gives.
public enum ChildProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The process ended before it delivered the output: a signal (a trap's
    /// `SIGILL` or `SIGTRAP`, `SIGSEGV`, a `kill()`), or the job called `exit`.
    case crashed(status: ExitStatus)
    /// The process could not be started.
    case spawnFailed(Errno)
    /// The process wrote something that is not a message to its private
    /// socket (the job wrote to descriptor 3); it was killed.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case let .crashed(status):
            "the process ended before delivering its job's output: \(status)" + ProcessPoolError.crashHint(status)
        case let .spawnFailed(errno): "the process could not be started: \(errno)"
        case let .protocolViolation(detail): "the process broke the protocol on its socket and was killed: \(detail)"
        }
    }
}
