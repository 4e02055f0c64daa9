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
    internal import Threading

    // The only file of this module that uses JobFuture's package-level API
    // (init(), complete(with:), whenComplete): a public promise type for custom
    // executors (`JobPromise`) is on its way to Threading, and will replace it.

    /// The completing side of a future this queue hands out.
    struct Promise<Value: Sendable>: Sendable {
        let future = JobFuture<Value>()

        /// Finishes the future; `false` if it had already finished (cancelled, say).
        @discardableResult
        func complete(with result: Result<Value, any Error>) -> Bool {
            future.complete(with: result)
        }
    }

    extension JobFuture {
        /// Calls `body` once the future finishes (at once if it has), on the
        /// thread that finishes it: keep it short.
        func onFinish(_ body: @escaping @Sendable (Result<Value, any Error>) -> Void) {
            whenComplete(body)
        }
    }
#endif
