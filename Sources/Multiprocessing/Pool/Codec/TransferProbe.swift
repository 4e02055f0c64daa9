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

/// The codec work the pool does for a chunk of jobs, all in this process:
/// what the parent encodes, what a worker decodes, runs and encodes, and
/// what the parent decodes. For benchmarks and profiles (callgrind counts its
/// instructions per job without the noise of sockets and scheduling).
package enum TransferProbe {
    /// Runs `jobs` through the pool's codec path and returns their outputs.
    package static func roundTrip<J: Job>(_ jobs: [J]) throws -> [J.Output] {
        var payload: [UInt8] = []
        try encodeJobs(jobs[...], appendingTo: &payload)
        var encodedOutputs: [UInt8] = []
        let outcome = payload.withUnsafeBytes { runJobs(J.self, payload: $0, appendingOutputsTo: &encodedOutputs) }
        precondition(outcome.failure == nil && outcome.completed == jobs.count)
        return try encodedOutputs.withUnsafeBytes { try ValueBatch.decode(J.Output.self, from: $0) }
    }
}
