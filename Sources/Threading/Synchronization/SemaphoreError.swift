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

/// Misuse of a ``BoundedSemaphore``.
public enum SemaphoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// ``BoundedSemaphore/release(count:)`` would have raised the value past
    /// the initial value (Python raises `ValueError`). The value is unchanged.
    case overReleased(bound: Int)

    public var description: String {
        switch self {
        case .overReleased(let bound):
            "the bounded semaphore was released more times than it was acquired (its bound is \(bound))"
        }
    }
}
