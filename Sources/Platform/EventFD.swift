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

internal import CMultiprocessingPlatform
package import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// An `eventfd` used as a wake-up call: any thread ``signal()``s it, the
/// thread that polls it sees it readable and ``drain()``s it. Non-blocking and
/// close-on-exec.
package struct WakeupDescriptor: Sendable {
    package let rawValue: Int32

    /// The corresponding C function is `eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)`.
    package init() throws(Errno) {
        rawValue = try valueOrErrno { eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK)) }
    }

    /// Makes the descriptor readable. A counter about to overflow (`EAGAIN`)
    /// already has a wake-up pending, so it is not an error.
    /// The corresponding C function is `write`.
    package func signal() {
        var one: UInt64 = 1
        do {
            _ = try valueOrErrno { write(rawValue, &one, MemoryLayout<UInt64>.size) }
        } catch {
            precondition(error == .wouldBlock, "eventfd write failed: \(error)")
        }
    }

    /// Resets the counter, so the descriptor is no longer readable.
    /// The corresponding C function is `read`.
    package func drain() {
        var count: UInt64 = 0
        _ = try? valueOrErrno { read(rawValue, &count, MemoryLayout<UInt64>.size) }
    }

    package func close() {
        closeDescriptor(rawValue)
    }
}
