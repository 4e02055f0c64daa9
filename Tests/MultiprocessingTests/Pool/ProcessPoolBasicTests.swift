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

import MultiprocessingTestSupport
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

extension ProcessPoolSuites {
    @Suite("ProcessPool basics", .timeLimit(.minutes(1)))
    struct ProcessPoolBasicTests {
        @Test(arguments: [ProcessPool.StartMethod.spawn, .fork])
        func submitRunsJobInAnotherProcess(method: ProcessPool.StartMethod) async throws {
            let pool = try ProcessPool(workers: 2, options: .init(startMethod: method))
            #expect(pool.workerPIDs.count == 2)
            #expect(try await pool.run(AddOne(x: 41)) == 42)
            let pid = try await pool.run(WorkerPID())
            #expect(pid != getpid())
            #expect(pool.workerPIDs.contains(pid))
            await pool.shutdown()
        }

        @Test func heterogeneousJobsShareOnePool() async throws {
            let pool = try ProcessPool(workers: 2)
            let a = try pool.submit(AddOne(x: 1))
            let b = try pool.submit(Greeting(name: "pool"))
            let c = try pool.submit(Parse(text: "123"))
            #expect(try await a.value == 2)
            #expect(try await b.value == "hello, pool")
            #expect(try blockingWait(c, timeout: .seconds(60)) == 123)
            await pool.shutdown()
        }
    }
}
