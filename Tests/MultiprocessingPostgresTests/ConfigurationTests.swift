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

#if Postgres
    import Foundation
    @testable import MultiprocessingPostgres
    import Testing
    import ThrowawayPostgres

    @Suite("PostgresJobQueue.Configuration")
    struct ConfigurationTests {
        @Test("URLs: TCP, Unix sockets, percent-encoded credentials, sslmode; bad ones are invalidConfiguration")
        func urls() throws {
            let tcp = PostgresJobQueue.Configuration(
                url: "postgresql://app:p%40ss@db.example:6432/jobs?sslmode=require")
            #expect(tcp.endpoint == .tcp(host: "db.example", port: 6432))
            #expect(tcp.username == "app" && tcp.password == "p@ss" && tcp.database == "jobs" && tcp.tls == .require)
            let socket = PostgresJobQueue.Configuration(
                url: "postgres://postgres@localhost/postgres?host=/tmp/pg&port=5433")
            #expect(socket.endpoint == .unixSocket(path: "/tmp/pg/.s.PGSQL.5433"))
            let defaults = PostgresJobQueue.Configuration(url: "postgres://me@localhost")
            #expect(
                defaults.endpoint == .tcp(host: "localhost", port: 5432) && defaults.database == "me"
                    && defaults.password == nil)
            for bad in ["mysql://x@y/z", "not a url", "postgres://u@h/d?sslmode=maybe"] {
                #expect(throws: PostgresJobQueueError.self) { try PostgresJobQueue.Configuration(url: bad).validate() }
            }
        }

        @Test("queue names, leases, batch sizes and retry delays are checked")
        func validation() {
            var configuration = PostgresJobQueue.Configuration(host: "h", username: "u", password: nil, database: "d")
            #expect(throws: Never.self) { try configuration.validate() }
            for name in ["", "has space", "quote\"", String(repeating: "q", count: 49)] {
                configuration.queueName = name
                #expect(throws: PostgresJobQueueError.self) { try configuration.validate() }
            }
            configuration.queueName = "ok_name-1.x"
            configuration.fetchBatchSize = 0
            #expect(throws: PostgresJobQueueError.self) { try configuration.validate() }
            configuration.fetchBatchSize = 1
            configuration.leaseDuration = .milliseconds(10)
            #expect(throws: PostgresJobQueueError.self) { try configuration.validate() }
        }

        @Test("retry delays double per attempt, within jitter, up to the maximum")
        func retryDelays() {
            var configuration = PostgresJobQueue.Configuration(host: "h", username: "u", password: nil, database: "d")
            configuration.retryDelay = .seconds(1)
            configuration.maximumRetryDelay = .seconds(10)
            for attempt in 1...6 {
                let expected = min(pow(2, Double(attempt - 1)), 10)
                for _ in 0..<50 {
                    let delay = configuration.retryDelay(afterAttempt: attempt).seconds
                    #expect(delay >= expected * 0.5 && delay < expected * 1.5)
                }
            }
        }

        @Test(
            "the throwaway server is deleted, and stopped, when the process holding it is killed",
            .enabled(if: ThrowawayPostgres.unavailableReason == nil), .timeLimit(.minutes(2)))
        func throwawayServerOutlivesNobody() throws {
            let holder = try WorkerProcess(arguments: ["cluster"])
            let folder = holder.readyLine
            #expect(FileManager.default.fileExists(atPath: folder + "/data/postmaster.pid"))
            let postmaster = try #require(
                Int32(
                    String(contentsOfFile: folder + "/data/postmaster.pid", encoding: .utf8)
                        .split(separator: "\n")[0]))
            holder.kill(SIGKILL)
            try holder.wait()
            let deadline = ContinuousClock.now + .seconds(30)
            while FileManager.default.fileExists(atPath: folder), ContinuousClock.now < deadline {
                usleep(20_000)
            }
            #expect(!FileManager.default.fileExists(atPath: folder))
            #expect(!processExists(postmaster))
        }
    }
#endif
