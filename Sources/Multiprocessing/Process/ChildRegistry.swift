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

import Synchronization

/// The ``ChildProcess`` objects alive in this process, for
/// ``ChildProcess/activeChildren``: held weakly, so listing a child never
/// keeps it (or its pidfd) alive.
enum ChildRegistry {
    private struct Entry: @unchecked Sendable {
        weak var child: ChildProcess?
    }

    private static let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    static func register(_ child: ChildProcess) {
        entries.withLock { $0[ObjectIdentifier(child)] = Entry(child: child) }
    }

    static func unregister(_ child: ChildProcess) {
        _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(child)) }
    }

    /// Every registered child whose object still exists.
    static var children: [ChildProcess] {
        entries.withLock { $0.values.compactMap(\.child) }
    }
}
