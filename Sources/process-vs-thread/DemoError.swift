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
    import Glibc
#endif

/// Why an experiment could not measure what it meant to.
enum DemoError: Error, CustomStringConvertible {
    /// A child process the demo started did not end as it must have.
    case childFailed(String)
    /// Other threads kept running when the demo was about to fork (how many
    /// threads in all, or `nil` if `/proc` could not tell).
    case notSingleThreaded(Int?)
    /// A system call failed with this `errno`.
    case system(String, Int32)
    /// A result differed from the answer computed another way.
    case wrongAnswer(String)

    var description: String {
        switch self {
        case .childFailed(let reason): reason
        case .notSingleThreaded(let count?): "\(count) threads were still running when the demo needed to fork"
        case .notSingleThreaded(nil): "the demo could not read /proc/self/status to check that forking is safe"
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .wrongAnswer(let detail): "wrong answer: \(detail)"
        }
    }
}
