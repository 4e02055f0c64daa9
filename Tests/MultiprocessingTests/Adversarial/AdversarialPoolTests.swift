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

private struct AdvPrivateJob: Job {
    var x: Int
    func run() -> Int { x + 1000 }
}

private struct AdvFileprivateJob: Job {
    var s: String
    func run() -> String { s + "!" }
}

private enum AdvPrivateError: Error, Codable, Equatable {
    case nope(Int)
}

private struct AdvPrivateThrower: Job {
    func run() throws -> Int { throw AdvPrivateError.nope(3) }
}

/// Pools start processes: one suite at a time keeps the machine's two CPUs usable.
extension AdversarialSuites {
    @Suite(.serialized, .timeLimit(.minutes(1)))
    struct AdversarialPoolTests {
        // MARK: Output, input and printing

        @Test func jobThatPrintsALotStillAnswers() async throws {
            let pool = try ProcessPool(workers: 2)
            let outputs = try await pool.map([AdvChatty(lines: 2000), AdvChatty(lines: 10)])
            #expect(outputs == [2000, 10])
            await pool.shutdown()
        }

        @Test func fiftyMegabyteByteOutput() async throws {
            let pool = try ProcessPool(workers: 1)
            let count = 50 << 20
            let bytes = try await pool.run(AdvBigBytes(count: count))
            #expect(bytes.count == count)
            #expect(bytes[4096 * 3] == 3)
            #expect(bytes[count - 1] == 0xAB)
            await pool.shutdown()
        }

        @Test func fiftyMegabyteStringOutput() async throws {
            let pool = try ProcessPool(workers: 1)
            let text = try await pool.run(AdvBigString(count: 50 << 20))
            #expect(text.utf8.count == (50 << 20) + 3)
            #expect(text.hasSuffix("éend"))
            await pool.shutdown()
        }

        @Test func fiftyMegabyteInput() async throws {
            let pool = try ProcessPool(workers: 1)
            let input = [UInt8](repeating: 3, count: 50 << 20)
            let answer = try await pool.run(AdvSumInput(bytes: input))
            #expect(answer == [50 << 20, 3 * (50 << 20)])
            await pool.shutdown()
        }

        @Test func hugeInputsThroughMap() async throws {
            let pool = try ProcessPool(workers: 2)
            let jobs = (0..<8).map { AdvSumInput(bytes: [UInt8](repeating: UInt8($0), count: 4 << 20)) }
            let answers = try await pool.map(jobs)
            #expect(answers == (0..<8).map { [4 << 20, $0 * (4 << 20)] })
            await pool.shutdown()
        }

        // MARK: Workers that end

        @Test func jobCallingExitZeroIsACrashNotASuccess() async throws {
            let pool = try ProcessPool(workers: 1)
            await #expect {
                _ = try await pool.run(AdvExit(code: 0))
            } throws: { error in
                guard case ProcessPoolError.workerCrashed(_, let status, _) = error else { return false }
                return status == .exited(0)
            }
            #expect(try await pool.run(AdvSquare(x: 5)) == 25, "the pool replaced the worker")
            await pool.shutdown()
        }

        @Test func jobCallingExit255() async throws {
            let pool = try ProcessPool(workers: 1)
            await #expect {
                _ = try await pool.run(AdvExit(code: 255))
            } throws: { error in
                guard case ProcessPoolError.workerCrashed(_, let status, _) = error else { return false }
                return status == .exited(255)
            }
            await pool.shutdown()
        }

        @Test func jobCallingAbort() async throws {
            let pool = try ProcessPool(workers: 2)
            let futures = try [pool.submit(AdvAbort())] + (0..<20).map { _ in try pool.submit(AdvAbort()) }
            let good = try (0..<20).map { try pool.submit(AdvSquare(x: $0)) }
            for future in futures {
                await #expect {
                    _ = try await future.value
                } throws: { error in
                    guard case ProcessPoolError.workerCrashed(_, let status, _) = error else { return false }
                    return status == .signaled(SIGABRT)
                }
            }
            for (i, future) in good.enumerated() { #expect(try await future.value == i * i) }
            await pool.shutdown()
        }

        @Test func crashInsideMapFailsTheMapAndThePoolStaysUsable() async throws {
            let pool = try ProcessPool(workers: 2)
            await #expect(throws: ProcessPoolError.self) {
                _ = try await pool.map([AdvExit(code: 0), AdvExit(code: 1)])
            }
            #expect(try await pool.map((0..<100).map { AdvSquare(x: $0) }) == (0..<100).map { $0 * $0 })
            await pool.shutdown()
        }

        // MARK: Nesting

        @Test func threadPoolInsideAWorker() async throws {
            let pool = try ProcessPool(workers: 1)
            #expect(try await pool.run(AdvNestedThreadPool(n: 100)) == 100 * 101)
            await pool.shutdown()
        }

        @Test func processPoolInsideAWorker() async throws {
            let pool = try ProcessPool(workers: 1)
            let outcome = await advWithin(.seconds(30)) { try await pool.run(AdvNestedProcessPool(n: 10)) }
            guard case .value(let squares) = outcome else {
                Issue.record("nested ProcessPool: \(outcome)")
                pool.terminate()
                return
            }
            #expect(squares == (1...10).map { $0 * $0 })
            await pool.shutdown()
        }

        // MARK: Many submitters

        @Test func submittingFromManyThreadsAtOnce() async throws {
            let pool = try ProcessPool(workers: 2)
            let failures = AdvCounter()
            let threads = (0..<8).map { t in
                PosixThread(name: "adv-submit-\(t)") {
                    do {
                        let futures = try (0..<100).map { try pool.submit(AdvSquare(x: t * 1000 + $0)) }
                        for (i, future) in futures.enumerated() {
                            if try future.wait(timeout: .seconds(30)) != (t * 1000 + i) * (t * 1000 + i) {
                                failures.add()
                            }
                        }
                    } catch {
                        failures.add()
                    }
                }
            }
            for thread in threads { try thread.start() }
            for thread in threads { #expect(thread.join(timeout: .seconds(40))) }
            #expect(failures.value == 0)
            await pool.shutdown()
        }

        @Test func runningFromManyTasksAtOnce() async throws {
            let pool = try ProcessPool(workers: 2)
            let total = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<500 { group.addTask { try await pool.run(AdvSquare(x: i)) } }
                return try await group.reduce(0, +)
            }
            #expect(total == (0..<500).reduce(0) { $0 + $1 * $1 })
            await pool.shutdown()
        }

        @Test func concurrentMapsOnOnePool() async throws {
            let pool = try ProcessPool(workers: 2)
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for m in 0..<6 {
                    group.addTask {
                        let input = (0..<(m * 300 + 1)).map { AdvSquare(x: $0 + m) }
                        return try await pool.map(input) == input.map { $0.x * $0.x }
                    }
                }
                for try await ok in group { #expect(ok) }
            }
            await pool.shutdown()
        }

        // MARK: Stopping while busy

        @Test func shutdownWhileMapRuns() async throws {
            let pool = try ProcessPool(workers: 2)
            let marker = StartMarker()
            defer { marker.remove() }
            let mapping = Task { try await pool.map((0..<2000).map { _ in AdvSleep(milliseconds: 1, marker: marker) }) }
            #expect(await eventually { marker.hasStarted }, "the map runs")
            let shutdown = await advWithin(.seconds(30)) {
                await pool.shutdown()
                return true
            }
            #expect({ if case .value = shutdown { true } else { false } }(), "shutdown returned: \(shutdown)")
            let result = await advWithin(.seconds(30)) { try await mapping.value }
            switch result {
            case .value(let outputs): #expect(outputs.count == 2000)
            case .error(let text): #expect(text.contains("shut"), "map failed with \(text)")
            case .timedOut: Issue.record("map never returned after shutdown()")
            }
        }

        @Test func terminateDuringMapUnordered() async throws {
            let pool = try ProcessPool(workers: 2)
            let stream = pool.mapUnordered((0..<400).map { _ in AdvSleep(milliseconds: 5) })
            let consumed = AdvCounter()
            let outcome = await advWithin(.seconds(30)) {
                var seen = 0
                for try await _ in stream {
                    seen += 1
                    consumed.add()
                    if seen == 5 { pool.terminate() }
                }
                return seen
            }
            switch outcome {
            case .value(let seen): Issue.record("the stream ended normally after terminate(), \(seen) outputs")
            case .error(let text): #expect(text.contains("shut"), "stream failed with \(text)")
            case .timedOut: Issue.record("mapUnordered never ended after terminate(); consumed \(consumed.value)")
            }
            #expect(throws: JobError.shutDown) { _ = try pool.submit(AdvSquare(x: 1)) }
        }

        @Test func terminateFailsQueuedFutures() async throws {
            let pool = try ProcessPool(workers: 1)
            let marker = StartMarker()
            defer { marker.remove() }
            let futures = try (0..<50).map { _ in try pool.submit(AdvSleep(milliseconds: 20, marker: marker)) }
            #expect(await eventually { marker.hasStarted }, "the first job runs")
            pool.terminate()
            var shutDown = 0
            for future in futures {
                do { _ = try blockingWait(future, timeout: .seconds(10)) } catch JobError.shutDown { shutDown += 1 }
            }
            #expect(shutDown >= 45)
            pool.terminate()  // again: not an error
            await pool.shutdown()  // after terminate: not an error
        }

        @Test func droppingThePoolKeepsSubmittedJobsRunning() async throws {
            var futures: [JobFuture<Int>] = []
            do {
                let pool = try ProcessPool(workers: 2)
                futures = try (0..<50).map { try pool.submit(AdvSquare(x: $0)) }
            }
            for (i, future) in futures.enumerated() {
                #expect(try blockingWait(future, timeout: .seconds(20)) == i * i)
            }
        }

        @Test func droppedPoolWithRunningMapUnorderedStream() async throws {
            var stream: AsyncThrowingStream<(index: Int, output: Int), any Error>?
            do {
                let pool = try ProcessPool(workers: 2)
                stream = pool.mapUnordered((0..<300).map { AdvSquare(x: $0) })
            }
            let outcome = await advWithin(.seconds(30)) { [stream] in
                var indices = Set<Int>()
                for try await (index, output) in stream! where output == index * index { indices.insert(index) }
                return indices.count
            }
            guard case .value(let count) = outcome else {
                Issue.record("\(outcome)")
                return
            }
            #expect(count == 300)
        }

        // MARK: Maps

        @Test func mapOverEmptyInputs() async throws {
            let pool = try ProcessPool(workers: 2)
            #expect(try await pool.map([AdvSquare]()).isEmpty)
            #expect(try await pool.map(EmptyCollection<AdvSquare>()).isEmpty)
            #expect(try await pool.map(AnySequence<AdvSquare>([])).isEmpty)
            var count = 0
            for try await _ in pool.mapUnordered([AdvSquare]()) { count += 1 }
            #expect(count == 0)
            await pool.shutdown()
        }

        @Test func mapOverALazySequenceOfUnknownLength() async throws {
            let pool = try ProcessPool(workers: 2)
            let input = AnySequence((0..<1000).lazy.map { AdvSquare(x: $0) })
            #expect(try await pool.map(input) == (0..<1000).map { $0 * $0 })
            await pool.shutdown()
        }

        @Test func mapUnorderedBreakEarlyThenReuse() async throws {
            let pool = try ProcessPool(workers: 2)
            var taken = 0
            for try await _ in pool.mapUnordered((0..<1000).map { _ in AdvSleep(milliseconds: 10) }) {
                taken += 1
                if taken == 3 { break }
            }
            #expect(taken == 3)
            let started = ContinuousClock.now
            #expect(try await pool.map((0..<20).map { AdvSquare(x: $0) }) == (0..<20).map { $0 * $0 })
            #expect(ContinuousClock.now - started < .seconds(3), "the abandoned jobs were not cancelled")
            await pool.shutdown()
        }

        @Test func mapUnorderedGivesEveryIndexOnce() async throws {
            let pool = try ProcessPool(workers: 2)
            var seen: [Int: Int] = [:]
            for try await (index, output) in pool.mapUnordered((0..<5000).map { AdvSquare(x: $0) }) {
                seen[index, default: 0] += 1
                #expect(output == index * index)
            }
            #expect(seen.count == 5000 && seen.values.allSatisfy { $0 == 1 })
            await pool.shutdown()
        }

        @Test func jobTimeoutInsideMap() async throws {
            let pool = try ProcessPool(workers: 2, options: .init(jobTimeout: .milliseconds(300)))
            let jobs = [AdvSleep(milliseconds: 1), AdvSleep(milliseconds: 5000), AdvSleep(milliseconds: 2)]
            let started = ContinuousClock.now
            await #expect(throws: JobError.timedOut(.milliseconds(300))) { _ = try await pool.map(jobs) }
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(try await pool.map([AdvSleep(milliseconds: 1), AdvSleep(milliseconds: 1)]) == [1, 1])
            await pool.shutdown()
        }

        @Test func maxJobsPerWorkerOneWithTwoHundredJobs() async throws {
            let pool = try ProcessPool(workers: 2, options: .init(maxJobsPerWorker: 1))
            let pids = try await pool.map((0..<200).map { _ in AdvPID() })
            #expect(pids.count == 200)
            #expect(Set(pids).count == 200, "every job ran in a fresh worker")
            #expect(!Set(pids).contains(getpid()))
            await pool.shutdown()
        }

        @Test func slowInitializerRunsBeforeTheFirstJob() async throws {
            let pool = try ProcessPool(
                workers: 2, options: .init(initializer: AdvSlowInitializer(milliseconds: 400, value: 17)))
            #expect(try await pool.map((0..<10).map { _ in AdvReadGlobal() }) == Array(repeating: 17, count: 10))
            await pool.shutdown()
        }

        @Test func initializerWithRecycledWorkers() async throws {
            let pool = try ProcessPool(
                workers: 2,
                options: .init(
                    maxJobsPerWorker: 2,
                    initializer: AdvSlowInitializer(milliseconds: 10, value: 5)))
            #expect(try await pool.map((0..<20).map { _ in AdvReadGlobal() }) == Array(repeating: 5, count: 20))
            await pool.shutdown()
        }

        // MARK: Futures

        @Test func cancelOnAFinishedFuture() async throws {
            let pool = try ProcessPool(workers: 1)
            let future = try pool.submit(AdvSquare(x: 9))
            #expect(try await future.value == 81)
            #expect(future.cancel() == false)
            #expect(future.isDone)
            #expect(try await future.value == 81, "value twice")
            #expect(try blockingWait(future) == 81)
            #expect(try blockingWait(future, timeout: .zero) == 81)
            await pool.shutdown()
        }

        @Test func waitWithZeroTimeoutOnAPendingJob() async throws {
            let pool = try ProcessPool(workers: 1)
            let future = try pool.submit(AdvSleep(milliseconds: 300))
            #expect(throws: JobError.waitTimedOut(.zero)) { _ = try future.wait(timeout: .zero) }
            #expect(throws: JobError.waitTimedOut(.milliseconds(10))) {
                _ = try future.wait(timeout: .milliseconds(10))
            }
            #expect(
                try blockingWait(future, timeout: .seconds(10)) == 300, "a timed-out wait does not spoil the future")
            await pool.shutdown()
        }

        @Test func cancelTwiceAndAwaitACancelledFuture() async throws {
            let pool = try ProcessPool(workers: 1)
            let marker = StartMarker()
            defer { marker.remove() }
            let running = try pool.submit(AdvSleep(milliseconds: 10_000, marker: marker))
            let queued = try pool.submit(AdvSquare(x: 3))
            #expect(await eventually { marker.hasStarted }, "the job runs")
            #expect(running.cancel())
            #expect(running.cancel(), "cancelling a cancelled future is true again (issue 9, as Python's)")
            await #expect(throws: JobError.cancelled) { _ = try await running.value }
            #expect(try await queued.value == 9)
            await pool.shutdown()
        }

        @Test func submitAfterShutdownThrows() async throws {
            let pool = try ProcessPool(workers: 1)
            await pool.shutdown()
            #expect(throws: JobError.shutDown) { _ = try pool.submit(AdvSquare(x: 1)) }
            await #expect(throws: JobError.shutDown) { _ = try await pool.run(AdvSquare(x: 1)) }
            await #expect(throws: JobError.shutDown) { _ = try await pool.map([AdvSquare(x: 1)]) }
            await pool.shutdown()
        }

        // MARK: Types of jobs, outputs and errors

        @Test func privateAndLocalTypes() async throws {
            struct LocalJob: Job {
                var n: Int
                func run() -> [Int] { Array(0..<n) }
            }
            enum LocalError: Error, Codable, Equatable { case local(String) }
            struct LocalThrower: Job {
                func run() throws -> Int { throw LocalError.local("inside") }
            }
            let pool = try ProcessPool(workers: 2)
            #expect(try await pool.run(AdvPrivateJob(x: 1)) == 1001)
            #expect(try await pool.run(AdvFileprivateJob(s: "hi")) == "hi!")
            #expect(try await pool.run(LocalJob(n: 4)) == [0, 1, 2, 3])
            #expect(try await pool.map((0..<50).map { LocalJob(n: $0 % 3) }) == (0..<50).map { Array(0..<($0 % 3)) })
            await #expect(throws: AdvPrivateError.nope(3)) { _ = try await pool.run(AdvPrivateThrower()) }
            await #expect(throws: LocalError.local("inside")) { _ = try await pool.run(LocalThrower()) }
            await pool.shutdown()
        }

        @Test func enumGenericAndClassJobs() async throws {
            let pool = try ProcessPool(workers: 2)
            #expect(try await pool.map([AdvShape.circle(radius: 2), .rect(w: 2, h: 3), .nothing]) == [12, 6, 0])
            #expect(try await pool.run(AdvBox(value: "g")) == ["g", "g"])
            #expect(try await pool.run(AdvBox(value: [1, 2])) == [[1, 2], [1, 2]])
            #expect(try await pool.run(AdvBox<Int?>(value: nil)) == [nil, nil])
            #expect(
                try await pool.run(AdvBox(value: AdvPayload.pair("x", [nil]))) == [
                    .pair("x", [nil]), .pair("x", [nil]),
                ])
            #expect(try await pool.run(AdvClassJob(text: "class")) == "CLASS")
            #expect(
                try await pool.map((0..<10).map { AdvBox(value: Double($0)) })
                    == (0..<10).map { [Double($0), Double($0)] })
            await pool.shutdown()
        }

        @Test func awkwardOutputs() async throws {
            let pool = try ProcessPool(workers: 1)
            let out = try await pool.run(AdvMakeOutputs())
            #expect(out.optionalNil == nil)
            #expect(out.optionalSome == "some")
            #expect(out.payloads == [.none, .number(-7), .pair("p", [1, nil, 3]), .nested(.nested(.number(9)))])
            #expect(out.nested == [[], [[]], [[1], [2, 3]]])
            #expect(out.nan.isNaN)
            #expect(out.negativeZero == 0 && out.negativeZero.sign == .minus)
            #expect(out.infinity == -.infinity)
            #expect(out.dictionary == [1: "one", -2: "minus two"])
            #expect(out.emptyString == "")
            #expect(out.nul == "a\u{0}b")
            #expect(try await pool.run(AdvReturnsOptional(present: false)) == nil)
            #expect(try await pool.run(AdvReturnsOptional(present: true)) == 42)
            #expect(try await pool.map([AdvReturnsOptional(present: true), .init(present: false)]) == [42, nil])
            #expect(try await pool.run(AdvReturnsNaN()).isNaN)
            #expect(try await pool.map([AdvReturnsNaN(), AdvReturnsNaN()]).allSatisfy(\.isNaN))
            #expect(try await pool.run(AdvReturnsPayload(payload: .none)) == .nested(.none))
            await pool.shutdown()
        }

        @Test func thrownErrorsComeBackAsThemselves() async throws {
            let pool = try ProcessPool(workers: 1)
            await #expect(throws: AdvEnumError.withPayload(code: 4, reason: "bad 4")) {
                _ = try await pool.run(AdvThrowEnum(code: 4))
            }
            await #expect {
                _ = try await pool.map([AdvThrowEnum(code: 1), AdvThrowEnum(code: 2)])
            } throws: { error in
                (error as? AdvEnumError) == .withPayload(code: 1, reason: "bad 1")
            }
            await #expect {
                _ = try await pool.run(AdvThrowClass())
            } throws: { error in
                (error as? AdvClassError)?.message == "from a class"
            }
            await #expect {
                _ = try await pool.run(AdvThrowOpaqueClass())
            } throws: { error in
                guard let remote = error as? RemoteError else { return false }
                return remote.typeName.contains("AdvOpaqueClassError")
                    && remote.description.contains("opaque class error 77")
            }
            #expect(try await pool.run(AdvSquare(x: 2)) == 4)
            await pool.shutdown()
        }

        // MARK: The worker's environment

        @Test func workerStandardInputIsEmpty() async throws {
            let pool = try ProcessPool(workers: 1)
            #expect(try await pool.run(AdvReadStdin()) == "<eof>")
            await pool.shutdown()
        }

        @Test func jobLeavingAThreadBehind() async throws {
            let pool = try ProcessPool(workers: 1)
            #expect(try await pool.map((0..<5).map { _ in AdvLeaveThread() }) == [1, 1, 1, 1, 1])
            #expect(try await pool.run(AdvSquare(x: 3)) == 9)
            let outcome = await advWithin(.seconds(20)) {
                await pool.shutdown()
                return true
            }
            #expect({ if case .value = outcome { true } else { false } }(), "shutdown with a stray thread: \(outcome)")
        }

        @Test func pipeInsideAWorkerHasNoSIGPIPE() async throws {
            let pool = try ProcessPool(workers: 1)
            #expect(try await pool.run(AdvPipeInWorker()) == "true")
            await pool.shutdown()
        }

        @Test func signallingAChildReapedBehindItsBack() async throws {
            let pool = try ProcessPool(workers: 1)
            let outcome = await advWithin(.seconds(20)) { try await pool.run(AdvSignalExternallyReaped()) }
            guard case .value(let text) = outcome else {
                Issue.record("terminate()/kill() on an externally reaped child: \(outcome)")
                await pool.shutdown()
                return
            }
            #expect(text == "survived")
            await pool.shutdown()
        }

        @Test func joiningAChildReapedBehindItsBack() async throws {
            let pool = try ProcessPool(workers: 1)
            let outcome = await advWithin(.seconds(20)) { try await pool.run(AdvJoinExternallyReaped()) }
            guard case .value(let text) = outcome else {
                Issue.record("join on an externally reaped child: \(outcome)")
                await pool.shutdown()
                return
            }
            #expect(text.contains("Errno"), "documented: Errno.noChildProcess; got \(text)")
            await pool.shutdown()
        }

        // MARK: Leaks

        @Test func poolsDoNotLeakDescriptors() async throws {
            let before = (try openDescriptorCount())
            for _ in 0..<10 {
                let pool = try ProcessPool(workers: 2)
                _ = try await pool.map((0..<10).map { AdvSquare(x: $0) })
                await pool.shutdown()
            }
            for _ in 0..<5 {
                let pool = try ProcessPool(workers: 2)
                _ = try await pool.run(AdvSquare(x: 1))
                pool.terminate()
            }
            let released = await eventually { ((try? openDescriptorCount()) ?? .max) - before < 8 }
            #expect(released, "descriptors before \(before), after \((try? openDescriptorCount()) ?? -1)")
        }
    }
}
