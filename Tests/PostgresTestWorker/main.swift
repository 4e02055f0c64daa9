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

// A PostgresJobWorker in a process of its own, for the tests (a worker must
// be a separate process to be killed with SIGKILL), and a throwaway cluster
// holder for the test of the cluster's clean-up.
//
//   postgres-test-worker worker URL QUEUE CONCURRENCY thread|process LEASE_SECONDS FETCH_BATCH
//   postgres-test-worker cluster
//
// Either prints "ready" once working. The worker stops gracefully on SIGTERM
// and exits at once when its standard input reaches end-of-file (the test
// runner that started it is gone).
#if Postgres
    import Foundation
    import Logging
    import Multiprocessing
    import MultiprocessingPostgres
    import PostgresTestJobs
    import ServiceLifecycle
    import ThrowawayPostgres

    func ready(_ line: String = "ready") {
        print(line)
        fflush(nil)
    }

    let arguments = CommandLine.arguments
    try ChildProgram.exitWhenParentExits()
    switch arguments.dropFirst().first {
    case "worker" where arguments.count == 8:
        var configuration = PostgresJobQueue.Configuration(url: arguments[2])
        configuration.queueName = arguments[3]
        configuration.leaseDuration = .milliseconds(Int(Double(arguments[6])! * 1000))
        configuration.fetchBatchSize = Int(arguments[7])!
        configuration.retryDelay = .milliseconds(20)
        let concurrency = Int(arguments[4])!
        let executor: any JobExecutor =
            arguments[5] == "process"
            ? try ProcessPool(workers: concurrency) : ThreadPool(threads: concurrency)
        let worker = try await PostgresJobWorker(
            configuration: configuration, concurrency: concurrency, executor: executor)
        let group = ServiceGroup(
            services: [worker], gracefulShutdownSignals: [.sigterm],
            logger: Logger(label: "postgres-test-worker"))
        ready()
        try await group.run()
        await executor.shutdown()
        print("stopped")
    case "cluster":
        let cluster = try ThrowawayPostgres.start()
        ready(cluster.directory)
        while true { pause() }
    default:
        FileHandle.standardError.write(
            Data("usage: postgres-test-worker worker URL QUEUE CONCURRENCY thread|process LEASE FETCH | cluster\n".utf8)
        )
        exit(2)
    }
#else
    print("postgres-test-worker: built without the Postgres trait")
#endif
