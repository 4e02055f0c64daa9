// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every Swift target of the package.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-multiprocessing",
    products: [
        .library(name: "Threading", targets: ["Threading"]),
        .library(name: "Multiprocessing", targets: ["Multiprocessing"]),
        .executable(name: "process-vs-thread", targets: ["process-vs-thread"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: Libraries

        // Platform code (system-call wrappers, the monotonic clock) shared by
        // both libraries; internal to the package, not a product.
        .target(
            name: "MultiprocessingPlatform",
            dependencies: [.product(name: "SystemPackage", package: "swift-system")],
            path: "Sources/Platform",
            swiftSettings: strictSettings
        ),
        .target(name: "CThreading"),
        .target(
            name: "Threading",
            dependencies: [
                "CThreading",
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
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: The demo

        .executableTarget(
            name: "process-vs-thread",
            dependencies: [
                "Multiprocessing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Examples (each `swift run NAME`; CI runs them all)

        .executableTarget(name: "child-process", dependencies: ["Multiprocessing"], path: "Examples/child-process", swiftSettings: strictSettings),
        .executableTarget(name: "process-pool-map", dependencies: ["Multiprocessing"], path: "Examples/process-pool-map", swiftSettings: strictSettings),
        .executableTarget(name: "process-pool-crash", dependencies: ["Multiprocessing"], path: "Examples/process-pool-crash", swiftSettings: strictSettings),
        .executableTarget(name: "process-pool-timeout", dependencies: ["Multiprocessing"], path: "Examples/process-pool-timeout", swiftSettings: strictSettings),
        .executableTarget(name: "pool-switch", dependencies: ["Multiprocessing"], path: "Examples/pool-switch", swiftSettings: strictSettings),
        .executableTarget(name: "thread-subclass", dependencies: ["Threading"], path: "Examples/thread-subclass", swiftSettings: strictSettings),
        .executableTarget(name: "lock-vs-rlock", dependencies: ["Threading"], path: "Examples/lock-vs-rlock", swiftSettings: strictSettings),
        .executableTarget(name: "semaphore-limit", dependencies: ["Threading"], path: "Examples/semaphore-limit", swiftSettings: strictSettings),
        .executableTarget(name: "condition-producer-consumer", dependencies: ["Threading"], path: "Examples/condition-producer-consumer", swiftSettings: strictSettings),
        .executableTarget(name: "event-start-signal", dependencies: ["Threading"], path: "Examples/event-start-signal", swiftSettings: strictSettings),
        .executableTarget(name: "queue-worker-crew", dependencies: ["Threading"], path: "Examples/queue-worker-crew", swiftSettings: strictSettings),
        .executableTarget(name: "threadpool-map", dependencies: ["Threading"], path: "Examples/threadpool-map", swiftSettings: strictSettings),
        .executableTarget(name: "pipe-duplex", dependencies: ["Multiprocessing"], path: "Examples/pipe-duplex", swiftSettings: strictSettings),
        .executableTarget(name: "pipe-simplex", dependencies: ["Multiprocessing"], path: "Examples/pipe-simplex", swiftSettings: strictSettings),
        .executableTarget(name: "connection-wait", dependencies: ["Multiprocessing"], path: "Examples/connection-wait", swiftSettings: strictSettings),
        .executableTarget(name: "barrier", dependencies: ["Threading"], path: "Examples/barrier", swiftSettings: strictSettings),
        .executableTarget(name: "bounded-semaphore", dependencies: ["Threading"], path: "Examples/bounded-semaphore", swiftSettings: strictSettings),
        .executableTarget(name: "priority-queue", dependencies: ["Threading"], path: "Examples/priority-queue", swiftSettings: strictSettings),
        .executableTarget(name: "inline-executor", dependencies: ["Threading"], path: "Examples/inline-executor", swiftSettings: strictSettings),
        .executableTarget(name: "futures-toolkit", dependencies: ["Threading"], path: "Examples/futures-toolkit", swiftSettings: strictSettings),
        .executableTarget(name: "thread-housekeeping", dependencies: ["Threading"], path: "Examples/thread-housekeeping", swiftSettings: strictSettings),

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
        .executableTarget(name: "codec-benchmark", dependencies: ["Multiprocessing"], path: "Benchmarks/Codec", swiftSettings: strictSettings),
        .executableTarget(name: "pool-benchmark", dependencies: ["Multiprocessing"], path: "Benchmarks/Pool", swiftSettings: strictSettings),

        // MARK: Tests

        .testTarget(name: "ThreadingTests", dependencies: ["Threading", "MultiprocessingPlatform"], swiftSettings: strictSettings),
        .testTarget(name: "MultiprocessingTests", dependencies: ["Multiprocessing", "MultiprocessingPlatform"], swiftSettings: strictSettings),
        .testTarget(name: "ProcessVsThreadTests", dependencies: ["process-vs-thread"], swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
