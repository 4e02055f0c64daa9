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

/// Why a ``ProcessQueue`` or ``JoinableProcessQueue`` could not take or give
/// an element, beyond the ``QueueError`` cases it shares with ``Queue``
/// (shut down, full, empty).
public enum ProcessQueueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The element's encoding (plus a 4-byte length) is larger than the
    /// queue's whole byte capacity, so it could never fit: nothing was put.
    /// Make the queue with a larger `capacityBytes`, or send large values
    /// another way (a ``SharedMemory`` segment, a ``Pipe``).
    case elementTooLarge(byteCount: Int, capacity: Int)
    /// The queue's shared memory does not hold a valid record where one was
    /// expected: some process wrote over it. The queue is left as it was.
    case corruptSegment(String)

    public var description: String {
        switch self {
        case let .elementTooLarge(byteCount, capacity):
            "the element takes \(byteCount) bytes encoded, more than the queue's capacity of \(capacity) bytes"
        case .corruptSegment(let reason):
            "the process queue's shared memory is corrupt: \(reason)"
        }
    }
}
