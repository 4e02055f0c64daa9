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
    extension PostgresJobQueue {
        /// How one submitted job is scheduled.
        ///
        /// ```swift
        /// let future = try queue.submit(Report(day: today),
        ///                               options: .init(priority: 10, notBefore: .seconds(60), uniqueKey: "report-\(today)"))
        /// ```
        public struct SubmitOptions: Sendable, Hashable {
            /// Higher runs first (default 0; a 32-bit value); among equal priorities, the job
            /// that became due first runs first, then the one submitted first.
            public var priority: Int
            /// A delay from now before the job may run (`nil`: at once). Workers
            /// wake for it by themselves: they keep a timer for the next due job.
            public var notBefore: Duration?
            /// While a job with this key is queued or running in this queue, a
            /// submit with the same key adds nothing: its future fails with
            /// ``PostgresJobQueueError/Code/duplicateUniqueKey``. Once that job
            /// has finished the key is free again. `nil` or empty: no key.
            public var uniqueKey: String?
            /// How many times the job may start (default 3; 1 to 1,000): a job
            /// that throws, or whose worker dies, is retried until then; the
            /// last failure is what its future sees.
            public var maxAttempts: Int

            /// Creates options.
            public init(priority: Int = 0, notBefore: Duration? = nil, uniqueKey: String? = nil, maxAttempts: Int = 3) {
                self.priority = priority
                self.notBefore = notBefore
                self.uniqueKey = uniqueKey
                self.maxAttempts = maxAttempts
            }
        }
    }
#endif
