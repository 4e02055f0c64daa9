// swift-tools-version:6.1
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

import PackageDescription

/// Settings shared by every Swift target of the package.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// For programs that load job libraries (`JobLibrary`): the executable offers
/// its symbols to the libraries it loads, which use its copy of the package.
let exportSymbolsToJobLibraries: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "--export-dynamic"])]

/// What the Postgres trait's services use (a worker is a swift-service-lifecycle
/// `Service`); only with the trait, so that nobody else fetches them.
let postgresServiceDependencies: [Target.Dependency] = [
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["Postgres"])),
    .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Postgres"])),
]

let package = Package(
    name: "swift-multiprocessing",
    products: [
        .library(name: "Threading", targets: ["Threading"]),
        .library(name: "Multiprocessing", targets: ["Multiprocessing"]),
        .library(name: "MultiprocessingPostgres", targets: ["MultiprocessingPostgres"]),
        .executable(name: "process-vs-thread", targets: ["process-vs-thread"]),
    ],
    traits: [
        .trait(name: "Postgres", description: "Builds MultiprocessingPostgres on postgres-nio.")
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        // Only for the Postgres trait's targets: without the trait, SwiftPM
        // 6.2 and later neither fetch nor build these (6.1 fetches them).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.3"),
    ],
    targets: [
        // MARK: Libraries

        // Platform code (system-call wrappers, the monotonic clock) shared by
        // both libraries; internal to the package, not a product. Its C half
        // holds what Swift cannot call or see directly: variadic syscall(2)
        // (futex, pidfd), _GNU_SOURCE declarations (memfd), epoll and eventfd.
        .target(name: "CMultiprocessingPlatform", path: "Sources/CPlatform"),
        .target(
            name: "MultiprocessingPlatform",
            dependencies: [
                "CMultiprocessingPlatform",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Sources/Platform",
            swiftSettings: strictSettings
        ),
        .target(name: "CThreading"),
        .target(
            name: "Threading",
            dependencies: [
                "CThreading",
                "CMultiprocessingPlatform",
                "MultiprocessingPlatform",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "CMultiprocessing"),
        .target(
            name: "Multiprocessing",
            dependencies: [
                "Threading",
                "MultiprocessingPlatform",
                "CMultiprocessing",
                "CMultiprocessingPlatform",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "DequeModule", package: "swift-collections"),
                // UnsafeAtomic: atomics at addresses in shared memory (Shared/).
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            swiftSettings: strictSettings
        ),

        // Built for real with the Postgres trait (`swift build --traits Postgres`);
        // without it, every file of these targets compiles to nothing.
        .target(
            name: "MultiprocessingPostgres",
            dependencies: [
                "Multiprocessing",
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
            ] + postgresServiceDependencies,
            swiftSettings: strictSettings
        ),
        /// A throwaway PostgreSQL server for the tests, the example and the benchmark.
        .target(
            name: "ThrowawayPostgres",
            dependencies: [
                "Multiprocessing", "MultiprocessingPlatform", .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: The demo

        .executableTarget(
            name: "process-vs-thread",
            dependencies: [
                "Multiprocessing",
                "MultiprocessingPlatform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Examples (each `swift run NAME`; CI runs them all)

        .executableTarget(
            name: "child-process", dependencies: ["Multiprocessing"], path: "Examples/child-process",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "process-pool-map", dependencies: ["Multiprocessing"], path: "Examples/process-pool-map",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "process-pool-crash", dependencies: ["Multiprocessing"], path: "Examples/process-pool-crash",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "process-pool-timeout", dependencies: ["Multiprocessing"], path: "Examples/process-pool-timeout",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "pool-switch", dependencies: ["Multiprocessing"], path: "Examples/pool-switch",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "thread-subclass", dependencies: ["Threading"], path: "Examples/thread-subclass",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "lock-vs-rlock", dependencies: ["Threading"], path: "Examples/lock-vs-rlock",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "semaphore-limit", dependencies: ["Threading"], path: "Examples/semaphore-limit",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "condition-producer-consumer", dependencies: ["Threading"],
            path: "Examples/condition-producer-consumer", swiftSettings: strictSettings),
        .executableTarget(
            name: "event-start-signal", dependencies: ["Threading"], path: "Examples/event-start-signal",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "queue-worker-crew", dependencies: ["Threading"], path: "Examples/queue-worker-crew",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "threadpool-map", dependencies: ["Threading"], path: "Examples/threadpool-map",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "pipe-duplex", dependencies: ["Multiprocessing"], path: "Examples/pipe-duplex",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "pipe-simplex", dependencies: ["Multiprocessing"], path: "Examples/pipe-simplex",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "connection-wait", dependencies: ["Multiprocessing"], path: "Examples/connection-wait",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "barrier", dependencies: ["Threading"], path: "Examples/barrier", swiftSettings: strictSettings),
        .executableTarget(
            name: "bounded-semaphore", dependencies: ["Threading"], path: "Examples/bounded-semaphore",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "priority-queue", dependencies: ["Threading"], path: "Examples/priority-queue",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "inline-executor", dependencies: ["Threading"], path: "Examples/inline-executor",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "futures-toolkit", dependencies: ["Threading"], path: "Examples/futures-toolkit",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "thread-housekeeping", dependencies: ["Threading"], path: "Examples/thread-housekeeping",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "process-queue", dependencies: ["Multiprocessing"], path: "Examples/process-queue",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "stop-event", dependencies: ["Multiprocessing"], path: "Examples/stop-event",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "shared-counter", dependencies: ["Multiprocessing"], path: "Examples/shared-counter",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "lock-owner-died", dependencies: ["Multiprocessing"], path: "Examples/lock-owner-died",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "connection-service", dependencies: ["Multiprocessing"], path: "Examples/connection-service",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "python-client", dependencies: ["Multiprocessing"], path: "Examples/python-client",
            exclude: ["client.py"], swiftSettings: strictSettings),
        .executableTarget(
            name: "manager-dictionary", dependencies: ["Multiprocessing"], path: "Examples/manager-dictionary",
            swiftSettings: strictSettings),
        // Examples/job-plugin/Plugin is the job library's source, which the example builds apart.
        .executableTarget(
            name: "job-plugin", dependencies: ["Multiprocessing"], path: "Examples/job-plugin", exclude: ["Plugin"],
            swiftSettings: strictSettings, linkerSettings: exportSymbolsToJobLibraries),
        .executableTarget(
            name: "distributed-map",
            dependencies: ["MultiprocessingPostgres", "ThrowawayPostgres"] + postgresServiceDependencies,
            path: "Examples/distributed-map", swiftSettings: strictSettings),

        // MARK: Benchmarks (run in release mode; see Benchmarks/README.md)

        .executableTarget(
            name: "ipc-benchmark",
            dependencies: [
                "Multiprocessing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/IPC",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "codec-benchmark", dependencies: ["Multiprocessing"], path: "Benchmarks/Codec",
            swiftSettings: strictSettings),
        .target(name: "BenchmarkSupport", path: "Benchmarks/Support", swiftSettings: strictSettings),
        .executableTarget(
            name: "pool-benchmark", dependencies: ["Multiprocessing", "BenchmarkSupport"], path: "Benchmarks/Pool",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "worker-death-benchmark", dependencies: ["Multiprocessing"], path: "Benchmarks/WorkerDeath",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "huge-message-benchmark", dependencies: ["Multiprocessing"], path: "Benchmarks/HugeMessages",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "shared-benchmark", dependencies: ["Multiprocessing", "BenchmarkSupport"], path: "Benchmarks/Shared",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "connection-benchmark", dependencies: ["Multiprocessing", "BenchmarkSupport"],
            path: "Benchmarks/Connections",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "postgres-benchmark",
            dependencies: ["MultiprocessingPostgres", "ThrowawayPostgres"] + postgresServiceDependencies,
            path: "Benchmarks/Postgres",
            swiftSettings: strictSettings
        ),

        // MARK: Tests

        // What every test target shares: threads, bounded waits, /proc
        // readings, runs of a test alone in a fresh runner, byte helpers.
        .target(
            name: "MultiprocessingTestSupport",
            dependencies: [
                "Threading", "MultiprocessingPlatform", .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ThreadingTests",
            dependencies: ["Threading", "MultiprocessingPlatform", "MultiprocessingTestSupport"],
            swiftSettings: strictSettings),
        // A program whose pool jobs read globals declared in its main.swift (`MainGlobalsTests`).
        .executableTarget(
            name: "main-globals-fixture", dependencies: ["Multiprocessing"], path: "Tests/MainGlobalsFixture",
            swiftSettings: strictSettings),
        .testTarget(
            name: "MultiprocessingTests",
            dependencies: [
                "Multiprocessing", "MultiprocessingPlatform", "MultiprocessingTestSupport", "main-globals-fixture",
            ],
            swiftSettings: strictSettings,
            linkerSettings: exportSymbolsToJobLibraries  // the JobLibrary tests load libraries
        ),
        .testTarget(
            name: "ProcessVsThreadTests",
            dependencies: ["process-vs-thread", "MultiprocessingTestSupport"],
            swiftSettings: strictSettings
        ),

        // MARK: PostgreSQL tests (`swift test --traits Postgres`; without the trait they report themselves skipped)

        .target(
            name: "PostgresTestJobs", dependencies: ["Multiprocessing"], path: "Tests/PostgresTestJobs",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "postgres-test-worker",
            dependencies: ["MultiprocessingPostgres", "PostgresTestJobs", "ThrowawayPostgres"]
                + postgresServiceDependencies,
            path: "Tests/PostgresTestWorker",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MultiprocessingPostgresTests",
            dependencies: ["MultiprocessingPostgres", "PostgresTestJobs", "ThrowawayPostgres", "postgres-test-worker"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
