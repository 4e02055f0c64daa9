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

/// Signals that interrupt blocking calls (`EINTR`) and partial writes.
///
/// The interrupting signal is `SIGURG` with a handler installed *without*
/// `SA_RESTART`, so the kernel returns `EINTR` (or a short count) from the
/// blocked call instead of restarting it. `SIGURG` is ignored by default, so a
/// stray one can never kill the test process.
@Suite("Connection: interrupted calls", .onItsOwnThreadOneAtATime, .timeLimit(.minutes(3)))
struct ConnectionInterruptionTests {
    /// Counts deliveries of the interrupting signal.
    static let deliveries = Atomic<Int>(0)

    static let installHandler: Void = {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            ConnectionInterruptionTests.deliveries.add(1, ordering: .relaxed)
        }
        action.sa_flags = 0  // no SA_RESTART: blocked calls fail with EINTR
        sigemptyset(&action.sa_mask)
        precondition(sigaction(SIGURG, &action, nil) == 0)
    }()

    /// Sends `SIGURG` to `thread` until `stop` is set, each signal once the
    /// previous one was handled (so signals keep coming without piling up).
    private func bombard(_ thread: TestThread, until stop: Box<Bool>) {
        while !stop.value {
            let handled = Self.deliveries.load(ordering: .relaxed)
            pthread_kill(thread.handle, SIGURG)
            while Self.deliveries.load(ordering: .relaxed) == handled && !stop.value { sched_yield() }
        }
    }

    /// Waits until at least `count` more signals than `before` were handled.
    private func signalsArrive(after before: Int, count: Int = 20) -> Bool {
        pollUntil { Self.deliveries.load(ordering: .relaxed) >= before + count }
    }

    @Test func receiveCompletesDespiteSignals() throws {
        _ = Self.installHandler
        let (a, b) = try Pipe().ends
        let payload = pattern(count: 300_000, seed: 3)
        let received = Box<Result<[UInt8], ConnectionError>?>(nil)
        let reader = TestThread(unblocking: SIGURG) {
            received.value = Result { () throws(ConnectionError) in try b.receiveBytes() }
        }
        let stop = Box(false)
        #expect(reader.waitUntilBlocked(), "the reader blocks in recv")
        let before = Self.deliveries.load(ordering: .relaxed)
        let signaller = TestThread { bombard(reader, until: stop) }
        #expect(signalsArrive(after: before), "signals interrupt the blocked recv")
        try a.sendBytes(payload)
        reader.join()
        stop.value = true
        signaller.join()
        #expect(Self.deliveries.load(ordering: .relaxed) > before)
        #expect(try received.value?.get() == payload)
    }

    @Test func waitAndPollCompleteDespiteSignals() throws {
        _ = Self.installHandler
        let (a, b) = try Pipe().ends
        let (c, d) = try Pipe().ends
        let ready = Box<Bool?>(nil)
        let polled = Box<Bool?>(nil)
        let pollWaited = Box<Duration>(.zero)
        let waiter = TestThread(unblocking: SIGURG) {
            ready.value = (try? Connection.wait([b], timeout: .seconds(20)))?.isEmpty == false
            // A timed poll interrupted by signals still waits its full time.
            let start = ContinuousClock.now
            polled.value = try? c.poll(timeout: .milliseconds(60))
            pollWaited.value = ContinuousClock.now - start
        }
        let stop = Box(false)
        #expect(waiter.waitUntilBlocked(), "the waiter blocks in poll")
        let before = Self.deliveries.load(ordering: .relaxed)
        let signaller = TestThread { bombard(waiter, until: stop) }
        #expect(signalsArrive(after: before), "signals interrupt the blocked poll")
        try a.sendBytes([1])
        waiter.join()
        stop.value = true
        signaller.join()
        #expect(ready.value == true)
        #expect(polled.value == false)
        #expect(pollWaited.value >= .milliseconds(60))
        _ = d
    }

    /// A 100 MiB message through a socket with a small send buffer, with the
    /// sending thread interrupted throughout: `sendmsg` returns short counts,
    /// which must be continued exactly where they stopped.
    @Test func partialWritesOfALargeMessageAreContinued() throws {
        _ = Self.installHandler
        let (a, b) = try Pipe().ends
        try setSendBufferSize(a.fileDescriptor, 4096)
        let payload = pattern(count: 100 << 20, seed: 5)
        let sendError = Box<ConnectionError?>(nil)
        let sender = TestThread(unblocking: SIGURG) {
            do throws(ConnectionError) { try a.sendBytes(payload) } catch { sendError.value = error }
        }
        let stop = Box(false)
        let before = Self.deliveries.load(ordering: .relaxed)
        let signaller = TestThread { bombard(sender, until: stop) }
        let received = try b.receiveBytes()
        sender.join()
        stop.value = true
        signaller.join()
        #expect(sendError.value == nil)
        #expect(Self.deliveries.load(ordering: .relaxed) > before)
        #expect(received.count == payload.count)
        #expect(received == payload)
    }

    @Test func writeAllContinuesShortWritesAcrossBothBuffers() throws {
        _ = Self.installHandler
        let (a, b) = try Pipe().ends
        try setSendBufferSize(a.fileDescriptor, 4096)
        let first = pattern(count: 3 << 20, seed: 6)
        let second = pattern(count: 5 << 20, seed: 7)
        let writer = TestThread(unblocking: SIGURG) {
            first.withUnsafeBytes { one in
                second.withUnsafeBytes { two in
                    try! SocketIO.writeAll(a.fileDescriptor, one, two)
                }
            }
        }
        let stop = Box(false)
        let signaller = TestThread { bombard(writer, until: stop) }
        var received = [UInt8](repeating: 0, count: first.count + second.count)
        let count = try received.withUnsafeMutableBytes {
            try readExactly(b.fileDescriptor, into: $0)
        }
        writer.join()
        stop.value = true
        signaller.join()
        #expect(count == received.count)
        #expect(received == first + second)
    }
}
