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

#if canImport(Glibc)
    public import Glibc
#endif

/// Which job an error is about: its type and the order in which it was sent to
/// a worker (1 for the first job the pool sent, and so on).
public struct JobDescription: Sendable, Hashable, CustomStringConvertible {
    /// The job's type, fully qualified (`MyApp.Resize`).
    public let typeName: String
    /// The job's sequence number in its pool: jobs are numbered as they are
    /// sent to workers, starting at 1.
    public let sequenceNumber: UInt64

    /// Describes the job of type `typeName` sent as number `sequenceNumber`.
    public init(typeName: String, sequenceNumber: UInt64) {
        self.typeName = typeName
        self.sequenceNumber = sequenceNumber
    }

    /// "job #12 (MyApp.Resize)".
    public var description: String { "job #\(sequenceNumber) (\(typeName))" }
}

/// Why a ``ProcessPool`` could not deliver a job's output, when the cause lies
/// with the worker processes or with moving the job between processes.
///
/// Timeouts, cancellation and shutdown are reported with ``JobError``, as by
/// every executor; an error thrown by the job itself arrives as itself (when
/// its type is `Codable`) or as a ``RemoteError``, never wrapped in this type.
///
/// ## Why an enum
/// swift-nio and swift-subprocess model errors as structs with a `code`, so
/// that a library built with library evolution can add a case without
/// breaking its clients. This package is not built with library evolution
/// (clients compile it from source, as every SwiftPM package), so an enum
/// costs nothing in compatibility that a struct would save, and it keeps the
/// common case pleasant: `catch ProcessPoolError.workerCrashed(let pid, let
/// status, let job)` binds what happened in one line, and a `switch` over the
/// cases is checked for exhaustiveness. A new case can break a client's
/// exhaustive `switch`: handle the cases you care about and add a `default`.
public enum ProcessPoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The worker running the job died: it was killed by a signal (`SIGKILL`,
    /// a trap's `SIGILL` or `SIGTRAP`, `SIGSEGV`...) or called `exit`. Only the
    /// job it was running fails; the pool replaces the worker.
    case workerCrashed(pid: Glibc.pid_t, status: ExitStatus, job: JobDescription)
    /// The worker did not find the job's type (named here as Swift writes it)
    /// in its executable. Happens when the worker runs a different executable
    /// (the file was replaced while the pool ran), for types a compiler
    /// optimized away, and for job types a worker cannot look up: a generic
    /// type declared `private` or inside a function (or nested in one), and a
    /// generic type with such a type among its arguments (make those types internal),
    /// and for the job types of a ``JobLibrary`` that a spawned worker could
    /// not load (its file was removed or replaced since the program loaded
    /// it; the worker says so on standard error).
    case jobTypeNotFound(String)
    /// The job could not be encoded in the caller's process.
    case jobEncodingFailed(typeName: String, description: String)
    /// The worker could not decode the job.
    case jobDecodingFailed(typeName: String, description: String)
    /// The worker could not encode the job's output.
    case outputEncodingFailed(typeName: String, description: String)
    /// The caller's process could not decode the job's output.
    case outputDecodingFailed(typeName: String, description: String)
    /// A worker process could not be started.
    case spawnFailed(Errno)
    /// The pool's initializer failed in a new worker, so no worker can run
    /// jobs; every pending job fails with this error and the pool stops.
    case initializerFailed(RemoteError)
    /// A worker sent something that is not a valid message (a job wrote to the
    /// worker's private socket, descriptor 3); it was killed.
    case workerProtocolViolation(pid: Glibc.pid_t, detail: String, job: JobDescription)

    /// What happened, to which job, in one sentence.
    public var description: String {
        switch self {
        case let .workerCrashed(pid, status, job):
            "the worker process \(pid) running \(job) died: \(status)" + Self.crashHint(status)
        case let .jobTypeNotFound(name):
            "the worker process found no job type named \(name) in its executable"
        case let .jobEncodingFailed(type, detail):
            "a job of type \(type) could not be encoded: \(detail)"
        case let .jobDecodingFailed(type, detail):
            "the worker process could not decode a job of type \(type): \(detail)"
        case let .outputEncodingFailed(type, detail):
            "the worker process could not encode the output of a \(type) job: \(detail)"
        case let .outputDecodingFailed(type, detail):
            "the output of a \(type) job could not be decoded: \(detail)"
        case let .spawnFailed(errno):
            "a worker process could not be started: \(errno)"
        case let .initializerFailed(error):
            "the pool's initializer failed in a new worker: \(error.typeName): \(error.description)"
        case let .workerProtocolViolation(pid, detail, job):
            "the worker process \(pid) running \(job) sent an invalid message (\(detail)) and was killed"
        }
    }

    /// A memory fault is what a job that reads a global declared in
    /// `main.swift` that the pool could not copy (neither a plain value nor
    /// `Codable`) gets in a spawned worker, where `main` never ran.
    static func crashHint(_ status: ExitStatus) -> String {
        guard status.signal == .segmentationFault || status.signal == .busError else { return "" }
        return " (if the job reads a global declared in main.swift: workers started by .spawn never run main, "
            + "and the pool copies in only plain and Codable globals, so others are uninitialized there; "
            + "pass the value in the job, or declare the global in another file)"
    }
}
