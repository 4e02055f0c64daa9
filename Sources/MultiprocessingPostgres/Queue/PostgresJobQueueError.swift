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

#if Postgres
    /// Why a job sent through PostgreSQL did not produce its output, when the
    /// reason lies with the queue rather than with the job's own code.
    ///
    /// An error thrown by a job's `run()` comes back as itself when its type is
    /// `Codable` (and as a `RemoteError` with its type name and description
    /// otherwise), never wrapped in a `PostgresJobQueueError`. A cancelled job's
    /// future fails with `JobError.cancelled`, as with the local pools.
    ///
    /// ```swift
    /// do {
    ///     let output = try await queue.run(job)
    /// } catch let error as PostgresJobQueueError where error.code == .attemptsExhausted {
    ///     print("gave up on job", error.jobID ?? 0, error.message)
    /// }
    /// ```
    public struct PostgresJobQueueError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What went wrong, for matching: `error.code == .jobTypeUnknown`.
        public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
            /// The code's name, as stored in a failed job's `error` column (`"jobTypeUnknown"`).
            public let rawValue: String
            /// A code from its name; a name this library does not know is not an error.
            public init(rawValue: String) { self.rawValue = rawValue }
            /// The code's name.
            public var description: String { rawValue }

            /// The connection to the server failed or was lost, and the
            /// operation could not be completed (submitted jobs are not affected:
            /// they wait for the connection to come back).
            public static let connectionLost = Code(rawValue: "connectionLost")
            /// A worker claimed the job, but its executable has no type by the
            /// job's type name: the job failed (it is not retried).
            public static let jobTypeUnknown = Code(rawValue: "jobTypeUnknown")
            /// The job's type cannot be named across executables (a private or
            /// function-local type): `submit` refuses it.
            public static let jobTypeNotPortable = Code(rawValue: "jobTypeNotPortable")
            /// The job, or its output, could not be encoded as JSON: `submit` refuses it, or the job fails.
            public static let encodingFailed = Code(rawValue: "encodingFailed")
            /// The stored job could not be decoded as its type (a malformed or
            /// foreign row, or a type changed incompatibly): that job failed, not retried.
            public static let payloadUndecodable = Code(rawValue: "payloadUndecodable")
            /// The job's stored output could not be decoded as its output type.
            public static let outputUndecodable = Code(rawValue: "outputUndecodable")
            /// The job's worker stopped renewing its lease (it was killed, or cut
            /// off) on the job's last allowed attempt.
            public static let attemptsExhausted = Code(rawValue: "attemptsExhausted")
            /// The job's row was deleted, or the job cancelled, by someone other than this submitter.
            public static let cancelled = Code(rawValue: "cancelled")
            /// A job with the same unique key is already queued or running in this queue: this one was not added.
            public static let duplicateUniqueKey = Code(rawValue: "duplicateUniqueKey")
            /// A setting no queue can use: an unreadable URL, a bad queue name, a bad lease.
            public static let invalidConfiguration = Code(rawValue: "invalidConfiguration")
            /// The database's schema is newer than this library knows: upgrade the library.
            public static let schemaTooNew = Code(rawValue: "schemaTooNew")
            /// The queue or worker was shut down.
            public static let shutDown = Code(rawValue: "shutDown")
            /// The server rejected a query (the message says why).
            public static let serverError = Code(rawValue: "serverError")
        }

        /// What went wrong.
        public var code: Code
        /// A sentence for people, naming the job and the cause.
        public var message: String
        /// The job's id in the queue's table, when the error is about one job.
        public var jobID: Int64?

        /// Creates an error.
        public init(_ code: Code, _ message: String, jobID: Int64? = nil) {
            self.code = code
            self.message = message
            self.jobID = jobID
        }

        /// The code, the job's id when there is one, and the message.
        public var description: String {
            jobID.map { "\(code) (job \($0)): \(message)" } ?? "\(code): \(message)"
        }
    }
#endif
