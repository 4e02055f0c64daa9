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

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps the demo's `fork()` calls safe.
///
/// `fork()` copies only the calling thread; a lock another thread held at that
/// instant stays locked forever in the child. The demo therefore forks only
/// while it is single-threaded. Thread pools are joined when shut down, but a
/// `ProcessPool`'s I/O thread ends by itself shortly after its workers are
/// reaped, so before each fork the demo waits for the kernel's thread count
/// of this process (`/proc/self/status`) to drop back to one.
enum ForkSafety {
    /// Waits until this process runs only its main thread.
    ///
    /// - Throws: ``DemoError/notSingleThreaded(_:)`` if other threads are
    ///   still running after `timeout` (forking then could hang the child), or
    ///   if `/proc/self/status` cannot be read, so nobody can tell.
    static func waitUntilSingleThreaded(timeout: Duration = .seconds(5)) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            guard let count = ProcFiles.threadCount else { throw DemoError.notSingleThreaded(nil) }
            if count == 1 { return }
            guard clock.now < deadline else { throw DemoError.notSingleThreaded(count) }
            usleep(1_000)
        }
    }
}
