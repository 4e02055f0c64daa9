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

import CMultiprocessing
import Synchronization

/// What makes the natural fork idiom work: the two ends of a ``Pipe`` know
/// each other, and each end knows in which process (fork generation) it was
/// last used.
///
/// After `fork()`, a child holds copies of *both* ends. If it keeps the copy of
/// the end the parent writes with, the parent closing its end never gives the
/// child end of stream. So on the first operation of an end in a forked
/// descendant (``cmp_fork_generation()`` differs from the one recorded), the
/// end closes its sibling's copy in that process, once. The parent's own
/// copies are untouched: closing a descriptor in one process does not affect
/// another.
final class ForkLink: Sendable {
    private let ends: (SharedDescriptor, SharedDescriptor)

    init(_ first: SharedDescriptor, _ second: SharedDescriptor) {
        ends = (first, second)
    }

    /// Closes, in this process, the copy of the end that is not `end`.
    func closeSibling(of end: SharedDescriptor) {
        (end === ends.0 ? ends.1 : ends.0).closeInForkedChild()
    }
}

/// The fork generation an end last ran in, and its link to its sibling.
struct ForkTracker: ~Copyable, Sendable {
    private let generation: Atomic<UInt>
    private let link: ForkLink?

    init(link: ForkLink?) {
        self.generation = Atomic(UInt(cmp_fork_generation()))
        self.link = link
    }

    /// Called at the start of every operation: in a forked descendant, closes
    /// the sibling's copy the first time. Costs one relaxed load otherwise.
    @inline(__always)
    func checkForFork(of end: SharedDescriptor) {
        let current = UInt(cmp_fork_generation())
        guard generation.load(ordering: .relaxed) != current else { return }
        generation.store(current, ordering: .relaxed)
        link?.closeSibling(of: end)
    }
}
