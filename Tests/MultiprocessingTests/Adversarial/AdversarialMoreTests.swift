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
import MultiprocessingTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private struct AdvFuzzTarget: Codable, Equatable {
    var id: Int
    var name: String
    var values: [Double?]
    var nested: [String: [UInt8]]
    var payload: AdvPayload
}

/// A small deterministic random generator, so failures can be replayed.
struct AdvRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

extension AdversarialSuites {
    @Suite(.serialized, .timeLimit(.minutes(1)))
    struct AdversarialMoreTests {
        // MARK: Pool: signals and sockets

        @Test func stoppedAndContinuedWorkerIsNotACrash() async throws {
            let pool = try ProcessPool(workers: 1)
            let future = try pool.submit(AdvStopSelf())
            let pids = pool.workerPIDs
            #expect(pids.count == 1)
            #expect(await eventually { pids.allSatisfy { processState($0) == "T" } }, "the worker stopped itself")
            #expect(!future.isDone, "a stopped worker is not a finished job")
            for pid in pids { kill(pid, SIGCONT) }
            #expect(try blockingWait(future, timeout: .seconds(10)) == pids.first)
            await pool.shutdown()
        }

        @Test func stoppedWorkerPastTheJobTimeoutIsKilled() async throws {
            let pool = try ProcessPool(workers: 1, options: .init(jobTimeout: .milliseconds(300)))
            let future = try pool.submit(AdvStopSelf())
            #expect(throws: JobError.timedOut(.milliseconds(300))) { _ = try future.wait(timeout: .seconds(10)) }
            #expect(try await pool.run(AdvSquare(x: 6)) == 36)
            await pool.shutdown()
        }

        @Test func jobThatClosesTheWorkerSocket() async throws {
            let pool = try ProcessPool(workers: 1)
            let outcome = await advWithin(.seconds(20)) { try await pool.run(AdvCloseSocket()) }
            switch outcome {
            case .error(let text): #expect(text.contains("died") || text.contains("protocol"), "\(text)")
            case .value: Issue.record("a job that closed the worker's socket cannot have answered")
            case .timedOut: Issue.record("the pool never noticed the worker closed its socket")
            }
            #expect(try await pool.run(AdvSquare(x: 7)) == 49)
            await pool.shutdown()
        }

        @Test func extremeJobTimeouts() async throws {
            let huge = try ProcessPool(workers: 1, options: .init(jobTimeout: .seconds(Int64.max)))
            #expect(try await huge.run(AdvSquare(x: 3)) == 9)
            await huge.shutdown()
            let zero = try ProcessPool(workers: 1, options: .init(jobTimeout: .zero))
            let outcome = await advWithin(.seconds(10)) { try await zero.run(AdvSleep(milliseconds: 50)) }
            if case .timedOut = outcome { Issue.record("jobTimeout .zero: a job hung") }
            zero.terminate()
        }

        @Test func manyMoreWorkersThanCPUs() async throws {
            let pool = try ProcessPool(workers: 24)
            #expect(pool.workerCount == 24)
            let pids = try await pool.map((0..<240).map { _ in AdvSleep(milliseconds: 20) })
            #expect(pids.count == 240)
            await pool.shutdown()
        }

        @Test func cancellingTheTaskRunningMap() async throws {
            let pool = try ProcessPool(workers: 2)
            let marker = StartMarker()
            defer { marker.remove() }
            let task = Task { try await pool.map((0..<200).map { _ in AdvSleep(milliseconds: 50, marker: marker) }) }
            #expect(await eventually { marker.hasStarted }, "the map runs")
            task.cancel()
            let outcome = await advWithin(.seconds(10)) { try await task.value }
            switch outcome {
            case .value: Issue.record("a cancelled map returned every output")
            case .error: break
            case .timedOut: Issue.record("a cancelled map did not return")
            }
            let started = ContinuousClock.now
            #expect(try await pool.run(AdvSquare(x: 2)) == 4)
            #expect(ContinuousClock.now - started < .seconds(2), "the map's jobs kept the pool busy after cancellation")
            await pool.shutdown()
        }

        @Test func manyTasksAwaitOneFuture() async throws {
            let pool = try ProcessPool(workers: 1)
            let future = try pool.submit(AdvSleep(milliseconds: 100))
            let sum = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<200 { group.addTask { try await future.value } }
                return try await group.reduce(0, +)
            }
            #expect(sum == 200 * 100)
            await pool.shutdown()
        }

        // MARK: Pool: unusual types

        @Test func wideIntegersAndFloat16() async throws {
            let pool = try ProcessPool(workers: 1)
            #expect(try await pool.run(AdvWide()) == [0, 1, UInt128.max])
            #expect(try await pool.run(AdvWideSigned(value: Int128.min)) == Int128.min + 1)
            #expect(try await pool.run(AdvFloat16()) == [1.5, -0.0, .infinity])
            await pool.shutdown()
        }

        @Test func deeplyNestedValues() async throws {
            let pool = try ProcessPool(workers: 1)
            #expect(try await pool.run(AdvDeepJob(value: .make(200))) == 200)
            // Deeper than the wire format's nesting limit: a typed error, not a stack overflow.
            await #expect {
                _ = try await pool.run(AdvDeepJob(value: .make(1_000)))
            } throws: { error in
                if case ProcessPoolError.jobEncodingFailed = error { return true }
                return false
            }
            let (a, _) = try Multiprocessing.Pipe().ends
            #expect {
                try a.send(AdvDeep.make(1_000))
            } throws: { error in
                if case ConnectionError.encodingFailed = error { return true }
                return false
            }
            #expect(try await pool.run(AdvSquare(x: 2)) == 4)
            await pool.shutdown()
        }

        @Test func customCodingWithNestedAndSuperContainers() async throws {
            let pool = try ProcessPool(workers: 1)
            let value = AdvCustomCoded(a: 21, b: ["x", nil, "", nil], c: ["k": [1, 2], "": []])
            #expect(try await pool.run(AdvEchoCustom(value: value)) == value)
            #expect(try await pool.map([AdvEchoCustom(value: value), AdvEchoCustom(value: value)]) == [value, value])
            await pool.shutdown()
        }

        @Test func validatingTypeThatOptsOutOfByteCopies() async throws {
            let pool = try ProcessPool(workers: 1)
            #expect(try await pool.run(AdvValidated(value: 5)) == 5)
            await #expect {
                _ = try await pool.run(AdvValidated(value: -5))
            } throws: { error in
                if case ProcessPoolError.jobDecodingFailed = error { return true }
                return false
            }
            await pool.shutdown()
        }

        @Test func plainValuesKeepTheirBits() async throws {
            let pool = try ProcessPool(workers: 1)
            let out = try await pool.run(AdvPlainPair(x: -3, y: 0.5, flag: true))
            #expect(out.sum == -2.5 && out.flag == false && out.nan.isNaN)
            let many = try await pool.map((0..<100).map { AdvPlainPair(x: Int32($0), y: 0.25, flag: $0 % 2 == 0) })
            #expect(many.map(\.sum) == (0..<100).map { Double($0) + 0.25 })
            #expect(many.map(\.flag) == (0..<100).map { $0 % 2 != 0 })
            await pool.shutdown()
        }

        @Test func stringKeyedCollections() async throws {
            let pool = try ProcessPool(workers: 1)
            let job = AdvStrings(dictionary: ["": 0, "1": 1, "ünïcödé": 2, "a\u{0}b": 3], set: ["z", "", "🙂"])
            #expect(try await pool.run(job) == ["", "1", "a\u{0}b", "ünïcödé", "", "z", "🙂"])
            await pool.shutdown()
        }

        // MARK: Connections: bad input

        @Test func randomBytesNeverDecodeIntoACrash() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            var random = AdvRandom(state: 42)
            var failures = 0
            for round in 0..<2000 {
                let bytes = random.bytes(Int(random.next() % 64))
                try a.sendBytes(bytes)
                do {
                    switch round % 5 {
                    case 0: _ = try b.receive(AdvFuzzTarget.self)
                    case 1: _ = try b.receive(String.self)
                    case 2: _ = try b.receive([Int].self)
                    case 3: _ = try b.receive([String: [UInt8]].self)
                    default: _ = try b.receive(AdvPayload.self)
                    }
                } catch {
                    guard case ConnectionError.decodingFailed = error else {
                        Issue.record("round \(round): \(error)")
                        return
                    }
                    failures += 1
                }
            }
            #expect(failures > 1000)
            try a.send(7)
            #expect(try b.receive(Int.self) == 7, "the connection stays usable")
        }

        @Test func truncatedValidMessagesAreRefused() throws {
            let (a, b) = try Multiprocessing.Pipe().ends
            let value = AdvFuzzTarget(
                id: 1, name: "name", values: [1, nil, 3], nested: ["k": [1, 2, 3]], payload: .pair("p", [1, nil]))
            try a.send(value)
            let encoded = try b.receiveBytes()
            for cut in 0..<encoded.count {
                try a.sendBytes(encoded[..<cut])
                #expect(throws: ConnectionError.self, "cut at \(cut)") { _ = try b.receive(AdvFuzzTarget.self) }
            }
            // Bit flips: anything but a crash.
            var random = AdvRandom(state: 7)
            for _ in 0..<2000 {
                var copy = encoded
                let index = Int(random.next() % UInt64(copy.count))
                copy[index] ^= UInt8(1 << (random.next() % 8))
                try a.sendBytes(copy)
                _ = try? b.receive(AdvFuzzTarget.self)
            }
            try a.sendBytes(encoded)
            #expect(try b.receive(AdvFuzzTarget.self) == value)
        }

        @Test func rawGarbageOnTheSocket() throws {
            var random = AdvRandom(state: 99)
            for round in 0..<300 {
                let (a, b) = try Multiprocessing.Pipe().ends
                let garbage = random.bytes(Int(random.next() % 40) + 1)
                let written = garbage.withUnsafeBytes { write(a.fileDescriptor, $0.baseAddress, $0.count) }
                #expect(written == garbage.count)
                a.close()
                do {
                    while true { _ = try b.receiveBytes() }
                } catch {
                    switch error {
                    case .endOfStream, .truncatedMessage, .messageTooLarge, .malformedFrame: break
                    default: Issue.record("round \(round): \(error) for \(garbage)")
                    }
                }
            }
        }

        @Test func closeWhileAnotherThreadSends() throws {
            for _ in 0..<20 {
                let (a, b) = try Multiprocessing.Pipe().ends
                let outcome = AdvOnce<String>()
                let senderID = AdvOnce<pid_t>()
                let sender = PosixThread {
                    senderID.set(currentThreadID())
                    do {
                        while true { try a.sendBytes([UInt8](repeating: 1, count: 1 << 16)) }
                    } catch {
                        outcome.set("\(error)")
                    }
                }
                try sender.start()
                #expect(
                    pollUntil { senderID.get() != nil } && waitUntilBlocked(thread: senderID.get()!),
                    "the sender blocks")
                a.close()
                #expect(sender.join(timeout: .seconds(5)))
                #expect(outcome.get() == "\(ConnectionError.closed)")
                withExtendedLifetime(b) {}
            }
        }

        @Test func hugeTimeouts() throws {
            let event = Event()
            event.set()
            #expect(event.wait(timeout: .seconds(Int64.max)))
            #expect(event.wait(timeout: .seconds(-5)))
            event.clear()
            #expect(event.wait(timeout: .seconds(-5)) == false)
            let queue = Queue<Int>()
            try queue.put(1, timeout: .seconds(Int64.max))
            #expect(try queue.get(timeout: .seconds(Int64.max)) == 1)
            #expect(throws: QueueError.empty) { _ = try queue.get(timeout: .seconds(-1)) }
            let (a, b) = try Multiprocessing.Pipe().ends
            try b.send(1)
            #expect(try a.poll(timeout: .seconds(Int64.max)))
            #expect(try Connection.wait([a], timeout: .seconds(-1)).count == 1)
            let semaphore = Semaphore(value: 1)
            #expect(semaphore.acquire(timeout: .seconds(Int64.max)))
            #expect(semaphore.acquire(timeout: .seconds(-1)) == false)
        }

        // MARK: Queues under load

        @Test func boundedQueueManyProducersAndConsumersWithTimeouts() throws {
            let queue = Queue<Int>(maxSize: 2)
            let consumed = AdvCounter()
            let sum = AdvCounter()
            let producers = (0..<6).map { p in
                PosixThread {
                    for i in 0..<500 {
                        while true {
                            do {
                                try queue.put(p * 1000 + i, timeout: .microseconds(50))
                                break
                            } catch { continue }
                        }
                    }
                }
            }
            let consumers = (0..<6).map { c in
                PosixThread {
                    while true {
                        do {
                            let value = c % 2 == 0 ? try queue.get(timeout: .microseconds(30)) : try queue.get()
                            sum.add(value)
                            consumed.add()
                        } catch QueueError.shutDown {
                            return
                        } catch {
                            continue
                        }
                    }
                }
            }
            for thread in consumers + producers { try thread.start() }
            for thread in producers { #expect(thread.join(timeout: .seconds(30))) }
            #expect(pollUntil(within: .seconds(10)) { consumed.value == 3000 })
            queue.shutdown()
            for thread in consumers { #expect(thread.join(timeout: .seconds(10))) }
            #expect(consumed.value == 3000)
            #expect(sum.value == (0..<6).reduce(0) { acc, p in acc + (0..<500).reduce(0) { $0 + p * 1000 + $1 } })
        }
    }
}
