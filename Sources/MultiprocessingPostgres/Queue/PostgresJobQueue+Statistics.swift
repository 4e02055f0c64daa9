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
    #if canImport(FoundationEssentials)
        public import FoundationEssentials
    #else
        public import Foundation
    #endif

    extension PostgresJobQueue {
        /// A queue's counts at one moment (``PostgresJobQueue/statistics()``).
        public struct Statistics: Sendable, Hashable, CustomStringConvertible {
            /// Jobs waiting to run, those scheduled for later included.
            public var queued: Int
            /// Jobs a worker holds now.
            public var running: Int
            /// Jobs that succeeded, since the queue was created.
            public var succeeded: Int
            /// Jobs that failed for good (the dead-letter rows, ``PostgresJobQueue/failedJobs(limit:)``).
            public var failed: Int
            /// How many times a job went back to the queue for another attempt
            /// (it threw, or its worker stopped renewing its lease), since the queue was created.
            public var retried: Int

            /// All five counts on one line.
            public var description: String {
                "queued \(queued), running \(running), succeeded \(succeeded), failed \(failed), retried \(retried)"
            }
        }

        /// A job that failed for good, as the dead-letter view shows it.
        public struct FailedJob: Sendable, CustomStringConvertible {
            /// The job's id in the queue's table.
            public var id: Int64
            /// The job's type as Swift writes it (`MyApp.Thumbnail`).
            public var typeName: String
            /// The job as stored: its JSON encoding.
            public var payload: String
            /// How many times it started.
            public var attempts: Int
            /// When it failed for good.
            public var failedAt: Date
            /// Its error as its submitter sees it: the job's own error re-created
            /// when this executable has its type, a `RemoteError` when it has
            /// not, or a ``PostgresJobQueueError``.
            public var error: any Error

            /// The job, when it failed, and its error, on one line.
            public var description: String {
                "job \(id) (\(typeName)) failed after \(attempts) attempt(s) at \(failedAt): \(error)"
            }
        }
    }
#endif
