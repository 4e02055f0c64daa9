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
    /// Job ids a submitter reserved with one `nextval` of the id sequence, which
    /// steps by ``size``: ids are chosen before the insert, so an insert retried
    /// after a lost connection carries the same ids and cannot add a job twice.
    struct JobIDBlock: Sendable {
        /// The sequence's step, set by migration 1 (the code reads the actual
        /// step from the database, so a later change of it stays safe).
        static let size = 1000

        private var next: Int64 = 0
        private var end: Int64 = 0

        var remaining: Int { Int(end - next) }

        mutating func refill(start: Int64, count: Int64) {
            next = start
            end = start + count
        }

        mutating func take() -> Int64? {
            guard next < end else { return nil }
            defer { next += 1 }
            return next
        }
    }
#endif
