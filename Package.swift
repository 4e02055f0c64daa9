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

        .target(name: "CThreading"),
        .target(
            name: "Threading",
            dependencies: [
                "CThreading",
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
        .executableTarget(name: "thread-subclass", dependencies: ["Threading"], path: "Examples/thread-subclass", swiftSettings: strictSettings),
        .executableTarget(name: "lock-vs-rlock", dependencies: ["Threading"], path: "Examples/lock-vs-rlock", swiftSettings: strictSettings),
        .executableTarget(name: "semaphore-limit", dependencies: ["Threading"], path: "Examples/semaphore-limit", swiftSettings: strictSettings),
        .executableTarget(name: "condition-producer-consumer", dependencies: ["Threading"], path: "Examples/condition-producer-consumer", swiftSettings: strictSettings),
        .executableTarget(name: "event-start-signal", dependencies: ["Threading"], path: "Examples/event-start-signal", swiftSettings: strictSettings),
        .executableTarget(name: "queue-worker-crew", dependencies: ["Threading"], path: "Examples/queue-worker-crew", swiftSettings: strictSettings),
        .executableTarget(name: "threadpool-map", dependencies: ["Threading"], path: "Examples/threadpool-map", swiftSettings: strictSettings),

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

        .testTarget(name: "ThreadingTests", dependencies: ["Threading"], swiftSettings: strictSettings),
        .testTarget(name: "MultiprocessingTests", dependencies: ["Multiprocessing"], swiftSettings: strictSettings),
        .testTarget(name: "ProcessVsThreadTests", dependencies: ["process-vs-thread"], swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
