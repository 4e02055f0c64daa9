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

import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

extension ProcessPoolSuites {
    @Suite("ProcessPool errors", .timeLimit(.minutes(1)))
    struct ProcessPoolErrorTests {
        @Test func codableErrorComesBackAsItself() async throws {
            let pool = try ProcessPool(workers: 1)
            await #expect(throws: ParseFailure.badDigit(UInt8(ascii: "x"))) { try await pool.run(Parse(text: "1x")) }
            await #expect(throws: ParseFailure.empty) { try await pool.run(Parse(text: "")) }
            #expect(try await pool.run(Parse(text: "77")) == 77, "the worker keeps serving after a thrown error")
            await pool.shutdown()
        }

        @Test func otherErrorComesBackAsRemoteError() async throws {
            let pool = try ProcessPool(workers: 1)
            let error = await #expect(throws: RemoteError.self) { try await pool.run(ThrowOpaque(code: 7)) }
            #expect(error?.description == "opaque failure 7")
            #expect(error?.typeName.hasSuffix("OpaqueFailure") == true)
            await pool.shutdown()
        }

        @Test func outputThatFailsToEncodeFailsOnlyThatJob() async throws {
            let pool = try ProcessPool(workers: 1)
            let bad = try pool.submit(MakeUnencodable())
            let good = try pool.submit(AddOne(x: 1))
            let error = await #expect(throws: ProcessPoolError.self) { try await bad.value }
            guard case .outputEncodingFailed(let typeName, _)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(typeName.hasSuffix("Unencodable"))
            #expect(try await good.value == 2)
            await pool.shutdown()
        }

        @Test func outputThatFailsToDecodeFailsOnlyThatJob() async throws {
            let pool = try ProcessPool(workers: 1)
            let bad = try pool.submit(MakeUndecodable())
            let good = try pool.submit(AddOne(x: 2))
            let error = await #expect(throws: ProcessPoolError.self) { try await bad.value }
            guard case .outputDecodingFailed(let typeName, let detail)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(typeName.hasSuffix("Undecodable"))
            #expect(detail.contains("refuses to be decoded"))
            #expect(try await good.value == 3)
            await pool.shutdown()
        }

        @Test func aJobThatWritesToThePoolsSocketGetsItsWorkerKilled() async throws {
            let pool = try ProcessPool(workers: 1)
            let first = try await pool.run(WorkerPID())
            let error = await #expect(throws: ProcessPoolError.self) { try await pool.run(CorruptTheChannel()) }
            guard case .workerProtocolViolation(let pid, _, let job)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(pid == first)
            #expect(job.typeName.hasSuffix("CorruptTheChannel"))
            #expect(try await pool.run(AddOne(x: 1)) == 2, "a replacement serves")
            await pool.shutdown()
        }

        @Test func submitAfterShutdownThrows() async throws {
            let pool = try ProcessPool(workers: 1)
            await pool.shutdown()
            #expect(throws: JobError.shutDown) { try pool.submit(AddOne(x: 1)) }
            await pool.shutdown()  // again: not an error
            #expect(pool.workerPIDs.isEmpty)
        }

        @Test func closureJobFailsToEncode() async throws {
            let pool = try ProcessPool(workers: 1)
            let future = try pool.submit(ClosureJob { 1 })
            let error = await #expect(throws: ProcessPoolError.self) { try await future.value }
            guard case .jobEncodingFailed? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            await pool.shutdown()
        }
    }
}
