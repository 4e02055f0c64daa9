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

// A separate package so that swift-nio (a peer measured here, not a
// dependency of the library) stays out of swift-multiprocessing's graph.
// Run in release mode from this directory:
//
//     swift run -c release threading-benchmark
let package = Package(
    name: "ThreadingBenchmarks",
    dependencies: [
        .package(name: "swift-multiprocessing", path: "../.."),
        .package(url: "https://github.com/apple/swift-nio", .upToNextMinor(from: "2.101.2")),
    ],
    targets: [
        .executableTarget(
            name: "threading-benchmark",
            dependencies: [
                .product(name: "Threading", package: "swift-multiprocessing"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
