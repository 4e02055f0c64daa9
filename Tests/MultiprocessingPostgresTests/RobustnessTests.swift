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
    import Multiprocessing
    @testable import MultiprocessingPostgres
    import PostgresTestJobs
    import Testing
    import ThrowawayPostgres

    extension PostgresSuites {
        @Suite("bad rows, schema versions, lost connections")
        struct RobustnessTests {
            @Test("a malformed row (a payload no type decodes, an unknown type) fails that job only")
            func malformedRows() async throws {
                let configuration = try testConfiguration()
                let queue = try await PostgresJobQueue(configuration: configuration)
                let squareType = try #require(JobTypeNames.crossExecutableName(of: Square.self))
                let bad = try psql(
                    """
                    INSERT INTO multiprocessing_jobs (id, queue, job_type, type_name, payload, reply_to)
                    VALUES (nextval('multiprocessing_job_ids'), '\(configuration.queueName)', '\(squareType)', 'Square',
                            '{"y": "not a number"}', 'nobody'),
                           (nextval('multiprocessing_job_ids'), '\(configuration.queueName)', 'no such type', 'Ghost',
                            '{}', 'nobody'),
                           (nextval('multiprocessing_job_ids'), '\(configuration.queueName)', E'\\x02\\x10\\x20\\x30\\x40',
                            'a symbolic reference to nowhere', '{}', 'nobody')
                    RETURNING id
                    """
                ).compactMap { Int64($0) }
                #expect(bad.count == 3)
                let worker = try await InProcessWorker(configuration)
                #expect(try await queue.map((0..<20).map { Square(x: $0) }) == (0..<20).map { $0 * $0 })
                #expect(try await eventually { try await queue.statistics().failed == 3 })
                let failed = try await queue.failedJobs(limit: 10)
                let codes = Dictionary(
                    uniqueKeysWithValues: failed.map { ($0.id, ($0.error as? PostgresJobQueueError)?.code) })
                #expect(codes[bad[0]] == .payloadUndecodable)
                #expect(codes[bad[1]] == .jobTypeUnknown)
                #expect(codes[bad[2]] == .jobTypeUnknown)  // and the worker is still alive:
                #expect(try await queue.run(Square(x: 30)) == 900)
                #expect(failed.allSatisfy { $0.attempts == 1 })
                await queue.shutdown()
                await worker.stop()
            }

            @Test("migrating from the previous schema version keeps queued jobs, which then run")
            func migrationFromPreviousVersion() async throws {
                let server = try SharedServer.get()
                let database = "migration_\(UUID().uuidString.prefix(8).lowercased())"
                try server.psql("CREATE DATABASE \(database)")
                var configuration = PostgresJobQueue.Configuration(url: server.url(database: database))
                configuration.queueName = "upgrade"
                try await PostgresJobQueue.migrate(
                    configuration, to: Migrations.latestVersion - 1, logger: .init(label: "test"))
                #expect(try psql("SELECT version FROM multiprocessing_schema", database: database) == ["1"])
                let squareType = try #require(JobTypeNames.crossExecutableName(of: Square.self))
                // A job as version 1 stored it (no cancel_requested column yet).
                try server.psql(
                    """
                    INSERT INTO multiprocessing_jobs (id, queue, job_type, type_name, payload, reply_to)
                    VALUES (nextval('multiprocessing_job_ids'), 'upgrade', '\(squareType)', 'Square', '{"x": 12}', 'nobody')
                    """, database: database)

                let queue = try await PostgresJobQueue(configuration: configuration)  // upgrades
                #expect(
                    try psql("SELECT version FROM multiprocessing_schema", database: database) == [
                        "\(Migrations.latestVersion)"
                    ])
                try await queue.migrate()  // current already: nothing to do
                let worker = try await InProcessWorker(configuration)
                #expect(
                    await eventually {
                        (try? psql(
                            "SELECT output::text FROM multiprocessing_jobs WHERE state = 'succeeded'",
                            database: database)) == ["144"]
                    })
                #expect(try await queue.run(Square(x: 3)) == 9)
                await queue.shutdown()
                await worker.stop()
            }

            @Test("concurrent migrations of an empty database: one does the work, none fails")
            func concurrentMigrations() async throws {
                let server = try SharedServer.get()
                let database = "concurrent_\(UUID().uuidString.prefix(8).lowercased())"
                try server.psql("CREATE DATABASE \(database)")
                let configuration = PostgresJobQueue.Configuration(url: server.url(database: database))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask { try await PostgresJobQueue(configuration: configuration).shutdown() }
                    }
                    try await group.waitForAll()
                }
                #expect(
                    try psql("SELECT version FROM multiprocessing_schema", database: database) == [
                        "\(Migrations.latestVersion)"
                    ])
            }

            @Test("a schema newer than this library is refused")
            func newerSchema() async throws {
                let server = try SharedServer.get()
                let database = "newer_\(UUID().uuidString.prefix(8).lowercased())"
                try server.psql("CREATE DATABASE \(database)")
                try server.psql(
                    "CREATE TABLE multiprocessing_schema (version integer NOT NULL); INSERT INTO multiprocessing_schema VALUES (99)",
                    database: database)
                await #expect {
                    try await PostgresJobQueue(configuration: .init(url: server.url(database: database)))
                } throws: { error in
                    (error as? PostgresJobQueueError)?.code == .schemaTooNew
                }
            }

            @Test("workers and submitters whose connections are cut reconnect, and nothing is lost")
            func connectionsCut() async throws {
                var configuration = try testConfiguration()
                configuration.applicationName = "cut-\(UUID().uuidString.prefix(8))"
                let queue = try await PostgresJobQueue(configuration: configuration)
                let worker = try await InProcessWorker(configuration)
                let log = temporaryPath("cut")
                let first = try queue.submit(HoldAndReport(path: log, seconds: 0.3))
                #expect(await eventually { (try? TestFiles.lines(log).count) == 1 })
                let cut = try psql(
                    """
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                    WHERE application_name LIKE '\(configuration.applicationName) %'
                    """)
                #expect(Int(cut.first ?? "0")! >= 5)  // listeners, inserter, collector, claimer, recorder, leases
                #expect(try await first.value == getpid())
                #expect(try await queue.map((0..<100).map { Square(x: $0) }) == (0..<100).map { $0 * $0 })
                await queue.shutdown()
                await worker.stop()
            }

            @Test("the server restarted mid-run: workers and submitters reconnect, every job completes")
            func serverRestart() async throws {
                let server = try ThrowawayPostgres.start()
                defer { server.stop() }
                let configuration = try testConfiguration(on: server)
                let queue = try await PostgresJobQueue(configuration: configuration)
                let worker = try WorkerProcess(configuration, concurrency: 2, url: server.url)
                let log = temporaryPath("restart")
                let futures = try (0..<300).map { try queue.submit(AppendLine(path: log, line: "\($0)", pause: 0.005)) }
                #expect(await eventually { ((try? TestFiles.lines(log))?.count ?? 0) >= 50 })
                try server.restart()
                for (index, future) in futures.enumerated() {
                    #expect(try await future.value == "\(index)")
                }
                #expect(Set(try TestFiles.lines(log)) == Set((0..<300).map { "\($0)" }))
                #expect(try await queue.statistics().succeeded == 300)
                worker.kill(SIGTERM)
                #expect(try worker.wait() == 0)
                await queue.shutdown()
            }
        }
    }
#endif
