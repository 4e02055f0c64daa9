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

/// A value guarded by a pthread mutex: the package's stand-in for
/// `Synchronization.Mutex`, whose futex-based lock ThreadSanitizer cannot
/// see (it reports every access under such a lock as a race), and which
/// caches the owner's thread id, so that after `fork()` a contended `Mutex`
/// traps in the child (the child's thread keeps the parent's cached id).
///
/// Copies share the value and the lock.
package struct LockedState<State>: @unchecked Sendable {
    private let storage: MutexStorage<State>

    package init(_ state: State) {
        storage = .create(state, kind: .normal)
    }

    /// Runs `body` holding the lock, with the state to read and change.
    /// `body` must not take this lock again (it is not recursive).
    package func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        try storage.withLock(body)
    }
}
