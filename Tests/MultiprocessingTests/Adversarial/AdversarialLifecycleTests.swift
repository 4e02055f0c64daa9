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

struct AdvEmptyOutput: Codable, Sendable, Equatable {}

struct AdvMakeEmpty: Job {
    func run() -> AdvEmptyOutput { AdvEmptyOutput() }
}

struct AdvEmptyJob: Job {
    func run() -> [AdvEmptyOutput] { [AdvEmptyOutput(), AdvEmptyOutput()] }
}

extension AdversarialSuites {
    @Suite(.serialized, .timeLimit(.minutes(1)))
    struct AdversarialLifecycleTests {
        @Test func concurrentShutdownsAndTerminates() async throws {
            let pool = try ProcessPool(workers: 2)
            let futures = try (0..<40).map { _ in try pool.submit(AdvSleep(milliseconds: 10)) }
            let outcome = await advWithin(.seconds(30)) {
                await withTaskGroup(of: Void.self) { group in
                    for i in 0..<10 {
                        group.addTask {
                            if i == 5 { pool.terminate() } else { await pool.shutdown() }
                        }
                    }
                }
                return true
            }
            guard case .value = outcome else {
                Issue.record("concurrent shutdown/terminate: \(outcome)")
                return
            }
            for future in futures {
                do { _ = try blockingWait(future, timeout: .seconds(5)) } catch JobError.shutDown {} catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }

        @Test func droppedIdlePoolsLeaveNoZombiesOrDescriptors() async throws {
            let descriptors = (try openDescriptorCount())
            for _ in 0..<10 {
                _ = try ProcessPool(workers: 2)
            }
            let clean = await eventually(within: .seconds(4)) { () async in
                zombieChildren().isEmpty && ((try? openDescriptorCount()) ?? .max) - descriptors < 4
            }
            #expect(
                clean,
                "zombies \(zombieChildren()), descriptors \(descriptors) -> \((try? openDescriptorCount()) ?? -1)")
        }

        @Test func zeroSizedOutputs() async throws {
            let pool = try ProcessPool(workers: 1)
            #expect(try await pool.run(AdvMakeEmpty()) == AdvEmptyOutput())
            #expect(try await pool.map((0..<100).map { _ in AdvMakeEmpty() }).count == 100)
            #expect(try await pool.run(AdvEmptyJob()).count == 2)
            await pool.shutdown()
        }

        @Test func threadPoolDroppedWithQueuedWork() throws {
            var futures: [JobFuture<Int>] = []
            do {
                let pool = ThreadPool(threads: 2)
                futures = (0..<100).map { i in
                    pool.submit {
                        takeTime(milliseconds: 1)
                        return i
                    }
                }
            }
            for (i, future) in futures.enumerated() {
                do {
                    #expect(try future.wait(timeout: .seconds(10)) == i)
                } catch JobError.shutDown {
                    // Also acceptable: a dropped pool fails what it never ran.
                } catch {
                    Issue.record("future \(i): \(error)")
                }
            }
        }
    }
}
