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

/// Why a ``BlockingQueue`` operation did not put or get an element.
public enum QueueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The queue was shut down (``BlockingQueue/shutdown(immediate:)``): puts
    /// fail at once; gets fail once the queue is empty. Python 3.13's `ShutDown`.
    case shutDown
    /// A timed ``BlockingQueue/get(timeout:)`` found the queue empty until the
    /// timeout passed. Python's `Empty`.
    case empty
    /// A timed ``BlockingQueue/put(_:timeout:)`` found the queue full until
    /// the timeout passed. Python's `Full`.
    case full

    public var description: String {
        switch self {
        case .shutDown: "the queue was shut down"
        case .empty: "the queue stayed empty until the timeout passed"
        case .full: "the queue stayed full until the timeout passed"
        }
    }
}
