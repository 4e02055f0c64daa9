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

import Multiprocessing
import MultiprocessingPlatform
import MultiprocessingTestSupport
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

// Jobs whose stored properties, outputs and errors hold shared objects: they
// reach workers (spawned and forked) with their descriptors.

/// Touches every object of a bundle (see `SharedObjectBundle`).
struct TouchSharedObjects: Job {
    var bundle: SharedObjectBundle
    func run() throws -> TouchReport { try bundle.touch() }
}

/// Adds `amount` to a counter the parent holds; returns the worker's pid.
struct AddToSharedCounter: Job {
    var counter: SharedValue<Int>
    var amount: Int
    func run() -> Int32 {
        counter.add(amount)
        return getpid()
    }
}

/// Makes a counter in the worker and returns it: an output that holds a shared object.
struct MakeSharedCounter: Job {
    var start: Int
    func run() throws -> SharedValue<Int> { try SharedValue(start) }
}

/// An error that holds a shared object, thrown by a job.
struct SharedStateFailure: Error, Codable {
    var state: SharedValue<Int>
}

/// Throws a ``SharedStateFailure`` whose state holds `value`.
struct FailWithSharedState: Job {
    var value: Int
    func run() throws -> Int { throw SharedStateFailure(state: try SharedValue(value)) }
}

/// Adds 1 to each of many distinct counters (a message of many descriptors).
struct AddToEachCounter: Job {
    var counters: [SharedValue<Int>]
    func run() -> Int {
        for counter in counters { counter.add(1) }
        return counters.count
    }
}

/// Adds 1 to a counter; returns the worker's open descriptor count.
struct CountWorkerDescriptors: Job {
    var counter: SharedValue<Int>
    func run() throws -> Int {
        counter.add(1)
        return try openDescriptorCount()
    }
}

/// Lowers the worker's open-file limit so that only `room` more descriptors
/// fit (counting free numbers below the limit); returns the new limit.
struct LeaveDescriptorRoom: Job {
    var room: Int
    func run() throws -> Int { try lowerOpenFileLimit(leavingRoom: room) }
}

/// The pool's initializer: counts the workers it ran in.
struct CountStartedWorkers: Job {
    var started: SharedValue<Int>
    func run() -> Int { started.add(1) }
}

/// Lowers this process's soft open-file limit (`RLIMIT_NOFILE`) so that
/// exactly `room` more descriptors can be opened (the limit bounds their
/// numbers: it is set to the number of the free one after `room` free ones);
/// returns the new limit.
func lowerOpenFileLimit(leavingRoom room: Int) throws -> Int {
    var free: [Int32] = []
    var fd: Int32 = 0
    while free.count <= room {
        if fcntl(fd, F_GETFD) == -1 { free.append(fd) }
        fd += 1
    }
    var value = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &value)
    value.rlim_cur = rlim_t(free[room])
    guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &value) == 0 else { throw Errno(rawValue: errno) }
    return Int(free[room])
}

/// A value whose encoding attaches a descriptor number that is not open, as
/// a broken `encode(to:)` could: the kernel refuses to send it (`EBADF`).
struct UnopenedDescriptor: Codable, Sendable {
    static let number: Int32 = 9_999

    init() {}

    init(from decoder: any Decoder) throws {}

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let outgoing = encoder.userInfo[DescriptorTransfer.outgoingKey] as? OutgoingDescriptors
        try container.encode(outgoing?.attach(Self.number, ownedBy: Holder()) ?? -1)
    }

    private final class Holder: Sendable {}
}

/// A job that cannot reach a worker: its descriptor cannot be sent.
struct UnsendableJob: Job {
    var descriptor = UnopenedDescriptor()
    func run() -> Int { 0 }
}
