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

import MultiprocessingPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// A one-shot hand-off that also works between a process and its forked
/// children: ``wait()`` blocks until another thread or process has called
/// ``open()``. It is a socket pair (close-on-exec), so a child forked after
/// the gate was made can wait on it or open it.
package final class Gate: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32

    package init() throws {
        (readEnd, writeEnd) = try makeSocketPair()
    }

    deinit {
        closeDescriptor(readEnd)
        closeDescriptor(writeEnd)
    }

    /// Lets every waiter through, now and later.
    package func open() {
        var byte: UInt8 = 1
        _ = try? valueOrErrno { write(writeEnd, &byte, 1) }
    }

    /// Blocks until the gate is open.
    package func wait() {
        var pollEntry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        _ = try? valueOrErrno { poll(&pollEntry, 1, -1) }
    }
}
