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

/// The output of a job that produces nothing but its effects: return
/// `NoOutput()` from ``Job/run()``.
///
/// ```swift
/// struct DeleteFile: Job {
///     var path: String
///     func run() throws -> NoOutput {
///         try removeFile(at: path)
///         return NoOutput()
///     }
/// }
/// ```
///
/// A job's output must be `Codable`, to come back from a worker process, and
/// Swift's `Void` cannot be: a `run()` returning nothing gets the compiler's
/// "type does not conform to protocol 'Job'". `NoOutput` is the empty value
/// that travels instead (Python's `None`).
public struct NoOutput: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The one value.
    public init() {}

    public var description: String { "NoOutput()" }
}
