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

/// A unit of work that can cross a process boundary.
///
/// A job is a value: its stored properties are its input, ``run()`` computes
/// its output. Because it is `Codable`, the same job runs on a ``ThreadPool``
/// (where nothing is encoded) or on a `ProcessPool` (where the job and its
/// output travel between processes), so switching executors is one line.
///
/// ```swift
/// struct Square: Job {
///     var x: Int
///     func run() -> Int { x * x }
/// }
/// let squares = try await pool.map((1...10).map { Square(x: $0) })
/// ```
///
/// An error thrown by ``run()`` reaches whoever waits for the job. In a
/// process pool it is re-created as its own type when that type is `Codable`;
/// otherwise it arrives as a remote error carrying the type name and description.
///
/// A job that produces nothing returns ``NoOutput`` (Swift's `Void` cannot
/// be `Codable`).
///
/// ## `run()` is synchronous
/// ``run()`` is a plain function, not `async`: a job is the unit of work a
/// pool thread or a worker process runs from start to end, and that is where
/// blocking is fine (reading a file, waiting on a socket, a long
/// computation). Calling it from async code is the executor's business:
/// ``JobFuture/value`` and ``JobExecutor/map(_:)`` suspend, they never block
/// a cooperative thread. Written as `func run() async -> Int`, a job does not
/// match the requirement, and the compiler says only "type does not conform
/// to protocol 'Job'" and "protocol requires nested type 'Output'": drop the
/// `async`, and do the async work outside the job (or block on it inside,
/// since the job has a thread of its own).
///
/// ## Globals declared in `main.swift`
/// Globals declared in `main.swift` are initialized by `main` as it runs, and
/// a process pool's workers started with `.spawn` never run `main`. The pool
/// copies in those that hold plain values (numbers, `Bool`s, enums, structs
/// and tuples of them) or `Codable` ones, before the first job of their
/// module runs; a job must not use any other kind there (a class that is
/// not `Codable`, a lock): those cannot be copied, and using one crashes the
/// worker. Pass such things in the job's stored properties, or declare the
/// global in another file (lazily initialized, in every process).
public protocol Job: Codable, Sendable {
    /// The job's result type.
    associatedtype Output: Codable & Sendable

    /// Computes the job's output.
    ///
    /// Where it runs depends on the executor: on a ``ThreadPool`` thread or
    /// in a `ProcessPool` worker process, where it may block as long as it
    /// likes; on an ``InlineExecutor``, on the thread that submits it (in
    /// async code, a thread of Swift's cooperative pool, which a long
    /// blocking job then holds up, as any blocking call there would).
    func run() throws -> Output
}

/// A ``Job`` that wraps a closure, for ``ThreadPool/submit(_:)-(()->T)`` and
/// ``InlineExecutor``: closures cannot be encoded, so a closure job can never
/// be sent to another process, and encoding one throws.
package struct ClosureJob<Output: Codable & Sendable>: Job {
    package let body: @Sendable () throws -> Output

    package init(_ body: @escaping @Sendable () throws -> Output) {
        self.body = body
    }

    package func run() throws -> Output { try body() }

    package init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(
            .init(
                codingPath: decoder.codingPath,
                debugDescription: "A closure job cannot be decoded: closures never cross a process boundary."))
    }

    package func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(
            body,
            .init(
                codingPath: encoder.codingPath,
                debugDescription: "A closure job cannot be encoded: closures never cross a process boundary."))
    }
}
