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
    extension PostgresJobQueue.Configuration {
        /// The delay before the retry that follows attempt `attempt` (1 for the
        /// first): `retryDelay` doubled for each attempt before, capped at
        /// `maximumRetryDelay`, times a random factor in 0.5..<1.5.
        func retryDelay(afterAttempt attempt: Int) -> Duration {
            let base = retryDelay.seconds * Double(1 << min(max(attempt - 1, 0), 30))
            let capped = min(base, maximumRetryDelay.seconds)
            return .seconds(capped * Double.random(in: 0.5..<1.5))
        }
    }

    extension Duration {
        /// The duration in seconds, as a `Double`.
        var seconds: Double {
            let (seconds, attoseconds) = components
            return Double(seconds) + Double(attoseconds) / 1e18
        }
    }
#endif
