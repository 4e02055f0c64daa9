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

package import MultiprocessingPlatform

/// A one-shot wake-up for a blocked thread: `park` until `unpark` has been
/// called (once is enough, before or after `park`) or a deadline passes.
@usableFromInline
package final class ThreadParker: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let condition = PThreadCondition()
    private var isUnparked = false  // guarded by `mutex`

    package init() {}

    /// Returns `false` if the deadline passed before `unpark`.
    package func park(until deadline: Deadline = .distantFuture) -> Bool {
        mutex.withLock {
            while !isUnparked {
                if !condition.wait(on: mutex, until: deadline) {
                    return isUnparked
                }
            }
            return true
        }
    }

    @usableFromInline
    package func unpark() {
        mutex.withLock {
            isUnparked = true
            condition.signal()
        }
    }
}
