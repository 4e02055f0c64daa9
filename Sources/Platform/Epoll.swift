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

package import CMultiprocessingPlatform
package import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// An `epoll` instance, for a thread that waits on many descriptors at once.
/// Each registered descriptor carries a 64-bit tag that comes back with its events.
///
/// `struct epoll_event` is packed on x86-64; Swift imports it with the C
/// layout (12 bytes, alignment 1), as swift-nio and swift-subprocess use it.
package struct Epoll: Sendable {
    package let rawValue: Int32

    /// The corresponding C function is `epoll_create1(EPOLL_CLOEXEC)`.
    package init() throws(Errno) {
        rawValue = try valueOrErrno { epoll_create1(Int32(EPOLL_CLOEXEC)) }
    }

    /// Starts watching `fd` for `events`. The corresponding C function is `epoll_ctl(EPOLL_CTL_ADD)`.
    package func add(_ fd: Int32, events: UInt32, tag: UInt64) throws(Errno) {
        try control(EPOLL_CTL_ADD, fd, events: events, tag: tag)
    }

    /// Changes what `fd` is watched for. The corresponding C function is `epoll_ctl(EPOLL_CTL_MOD)`.
    package func modify(_ fd: Int32, events: UInt32, tag: UInt64) throws(Errno) {
        try control(EPOLL_CTL_MOD, fd, events: events, tag: tag)
    }

    /// Stops watching `fd`; one that is not watched (or closed) is not an error.
    /// The corresponding C function is `epoll_ctl(EPOLL_CTL_DEL)`.
    package func remove(_ fd: Int32) {
        _ = try? control(EPOLL_CTL_DEL, fd, events: 0, tag: 0)
    }

    /// Waits until events arrive or `deadline` passes, and fills `events` from
    /// the start; returns how many arrived (0 on time-out). `EINTR` is retried
    /// with the time left recomputed from `deadline`.
    /// The corresponding C function is `epoll_wait`.
    package func wait(into events: inout [epoll_event], until deadline: Deadline) throws(Errno) -> Int {
        Int(
            try events.withUnsafeMutableBufferPointer { buffer throws(Errno) in
                try valueOrErrno {
                    epoll_wait(rawValue, buffer.baseAddress, Int32(buffer.count), deadline.remainingMillisecondsForPoll)
                }
            })
    }

    package func close() {
        closeDescriptor(rawValue)
    }

    private func control(_ operation: Int32, _ fd: Int32, events: UInt32, tag: UInt64) throws(Errno) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = tag
        try nothingOrErrno { epoll_ctl(rawValue, operation, fd, &event) }
    }
}
