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

#if canImport(Glibc)
    import Glibc
#endif

/// A file that a job creates when it starts, in whatever process runs it:
/// the hand-off for "the job is running", which a test waits for with
/// ``eventually(within:_:)`` before it cancels, terminates or shuts down.
/// `Codable`, so it travels inside a job to a pool worker.
package struct StartMarker: Codable, Sendable, Hashable {
    package let path: String

    private static let counter = Atomic<Int>(0)

    /// A marker with a path of its own in /tmp, not created yet.
    package init() {
        path = "/tmp/multiprocessing-test-\(getpid())-\(Self.counter.add(1, ordering: .relaxed).newValue).started"
    }

    /// Creates the file (the job calls it when it starts).
    package func announce() {
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
    }

    /// Whether the file exists: the job has started.
    package var hasStarted: Bool { access(path, F_OK) == 0 }

    /// Removes the file.
    package func remove() { unlink(path) }
}
