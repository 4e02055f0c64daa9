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

/// The futures of a map, handed out in input order: ``OrderedWindow`` (a job
/// each), the chunks of a ``ThreadPool`` map (many jobs each) and those of a
/// process pool's map. Each keeps a bounded number submitted ahead of the one
/// handed out, and reads its input lazily.
package protocol MapWindow {
    associatedtype Outcome: Sendable

    /// The next future in input order, or `nil` after the last.
    mutating func nextFuture() throws -> JobFuture<Outcome>?

    /// Cancels every future not yet handed out, and reads no more input.
    mutating func cancelAll()
}

extension MapWindow {
    /// Awaits every future in input order and hands its outcome to `take`.
    /// The first error (of a future, of `take`, or of submitting) cancels the
    /// rest and is thrown; so is ``JobError/cancelled`` once the calling task
    /// is cancelled. Runs on the caller's actor, where the input may be read.
    nonisolated(nonsending) package mutating func drain(_ take: (Outcome) throws -> Void) async throws {
        do {
            while let future = try nextFuture() {
                // A finished future returns without suspending, so notice a
                // cancelled task here too, not only while suspended.
                if Task.isCancelled {
                    future.cancel()
                    throw JobError.cancelled
                }
                try take(try await future.value)
            }
        } catch {
            cancelAll()
            throw error
        }
    }

    /// ``drain(_:)`` for a thread that blocks.
    package mutating func drainBlocking(_ take: (Outcome) throws -> Void) throws {
        do {
            while let future = try nextFuture() {
                try take(try future.wait())
            }
        } catch {
            cancelAll()
            throw error
        }
    }
}
