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

import Foundation
import Testing

/// The package's root directory, found from this file's path.
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Keeps Examples/ from rotting: every example directory is a target of the
/// package (so CI builds it, and `.ci/run` runs it to completion), and its
/// main.swift opens with a comment that says what it teaches and how to run it.
extension DemoTests {
    @Suite("Examples catalog", .timeLimit(.minutes(1)))
    struct ExampleCatalogTests {
        static let names: [String] = {
            let directory = packageRoot.appendingPathComponent("Examples")
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return entries.filter { name in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(
                    atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }.sorted()
        }()

        @Test func theExamplesAreFound() {
            #expect(Self.names.count >= 8)
            #expect(
                Set([
                    "pipe-duplex", "pipe-simplex", "connection-wait", "barrier", "bounded-semaphore",
                    "priority-queue", "inline-executor", "child-process",
                ]).isSubset(of: Self.names))
        }

        @Test(arguments: names)
        func everyExampleIsATargetWithAHeader(_ name: String) throws {
            // The manifest with its line breaks and indentation removed, so
            // the check does not depend on how a target is formatted.
            let manifest = try String(contentsOf: packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                .replacingOccurrences(of: "( ", with: "(")
            #expect(
                manifest.contains(#".executableTarget(name: "\#(name)""#)
                    && manifest.contains(#"path: "Examples/\#(name)""#),
                "Examples/\(name) has no executableTarget in Package.swift, so CI neither builds nor runs it")
            let source = try String(
                contentsOf: packageRoot.appendingPathComponent("Examples/\(name)/main.swift"), encoding: .utf8)
            // The comment that opens the file, after the license header.
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            let afterLicense = lines.drop { $0.hasPrefix("//") }.drop { $0.isEmpty }
            let header = afterLicense.prefix { $0.hasPrefix("//") }.joined(separator: "\n")
            #expect(header.count > 60, "Examples/\(name)/main.swift should open with a comment saying what it teaches")
            #expect(header.contains("swift run \(name)"), "the header of Examples/\(name) should say how to run it")
        }
    }
}
