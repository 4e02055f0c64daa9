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
import MultiprocessingTestSupport
import Synchronization
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// A one-byte hand-off between processes (or threads), over a socket pair:
/// independent of the primitives under test, so a broken primitive fails a
/// test instead of hanging its hand-offs. Created before a fork, used on
/// both sides.
struct HandOff: Sendable {
    let sender: Int32
    let receiver: Int32

    init() throws {
        (sender, receiver) = try makeSocketPair()
    }

    /// Sends one byte (never blocks in practice: the socket has room).
    func signal(_ byte: UInt8 = 1) {
        var value = byte
        _ = send(sender, &value, 1, Int32(MSG_NOSIGNAL))
    }

    /// Waits up to `timeout` for one byte; `nil` on timeout or end of stream.
    func wait(timeout: Duration = .seconds(20)) -> UInt8? {
        guard let ready = try? pollReadable([receiver], until: .after(timeout)), !ready.isEmpty else { return nil }
        var value: UInt8 = 0
        return recv(receiver, &value, 1, 0) == 1 ? value : nil
    }

    func close() {
        Glibc.close(sender)
        Glibc.close(receiver)
    }
}

/// Blocks the calling (forked, single-threaded) child until it is killed.
func blockUntilKilled() -> Never {
    while true { pause() }
}

/// Joins `child`, killing it first if it still runs after `timeout` (a hang).
func joinChild(_ child: ChildProcess, timeout: Duration = .seconds(20)) throws -> Multiprocessing.ExitStatus? {
    if let status = try child.join(timeout: timeout) { return status }
    child.kill()
    _ = try child.join()
    return nil
}

/// The kernel thread id of the calling thread.
func currentThreadID() -> pid_t {
    pid_t(bitPattern: Futex.currentThreadID)
}

/// Waits until the thread `tid` of this process sleeps in the kernel (state
/// `S`): then it is blocked in the wait under test, not on its way to it.
func waitUntilSleeping(_ tid: pid_t) -> Bool {
    pollUntil(within: .seconds(10)) { processState(tid) == "S" }
}

/// Runs `trial` (which returns how long survivors took to unblock after a
/// kill) up to ten times and checks that one run took under `limit` and
/// none took longer than a second. A machine under load may delay a dying
/// process by a scheduling slice now and then; a design that polls, or
/// that hangs, fails every run.
func checkPrompt(within limit: Duration = .milliseconds(10), _ trial: () throws -> Duration) throws {
    var times: [Duration] = []
    // Up to ten trials: a trial measures the kernel's hand-over plus the
    // killed process's exit, which other tests running at once can slow
    // past the limit; one trial within it shows the mechanism is prompt.
    for _ in 0..<10 {
        let time = try trial()
        times.append(time)
        try check(time < .seconds(1), "survivors took \(time) to unblock")
        if time < limit { return }
    }
    throw CheckFailure(description: "survivors never unblocked within \(limit): \(times)")
}

/// Names of segments in /dev/shm that start with `prefix`.
func sharedMemoryNames(withPrefix prefix: String) -> [String] {
    guard let directory = opendir("/dev/shm") else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name.hasPrefix(prefix) { names.append(name) }
    }
    return names
}

/// A segment name unique to this process and call.
func uniqueSegmentName(_ label: String) -> String {
    "spm-test-\(getpid())-\(SegmentNames.next())-\(label)"
}

enum SegmentNames {
    private static let counter = Atomic(0)
    static func next() -> Int { counter.add(1, ordering: .relaxed).newValue }
}

/// Encodes `value` with a fake descriptor-carrying transport and decodes it
/// back in this process, as a message over `SCM_RIGHTS` would arrive: the
/// attached descriptors are "sent" as fresh duplicates.
func roundTripWithDescriptors<T: Codable>(_ value: T, as type: T.Type = T.self) throws -> T {
    let outgoing = OutgoingDescriptors()
    var encoder = BinaryEncoder()
    encoder.userInfo[DescriptorTransfer.outgoingKey] = outgoing
    let bytes = try encoder.encode(value)
    let arrived = try outgoing.descriptors.map { try duplicateDescriptor($0) }
    outgoing.removeAll()
    let incoming = IncomingDescriptors(adopting: arrived)
    defer { incoming.closeUnclaimed() }
    var decoder = BinaryDecoder()
    decoder.userInfo[DescriptorTransfer.incomingKey] = incoming
    return try decoder.decode(type, from: bytes)
}
