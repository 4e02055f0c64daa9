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
import MultiprocessingPlatform
import MultiprocessingTestSupport
import Testing

@testable import Multiprocessing

/// A module-level variable initialized lazily (it has a `_Wz` token).
let lazilyInitializedProbe = [3, 1, 4]

@Suite("Globals declared in main.swift reach spawned workers", .timeLimit(.minutes(1)))
struct MainGlobalsTests {
    /// `main-globals-fixture` runs jobs that read its main.swift globals (plain
    /// values, a String, a Codable struct, one set after the pool started, a
    /// class the pool cannot copy, an array too large to copy) in a `.spawn`
    /// pool worker and in a spawned job, and in itself.
    @Test func jobsReadTheValuesMainSet() throws {
        let runner = URL(fileURLWithPath: try canonicalPath("/proc/self/exe"))
        let fixture = runner.deletingLastPathComponent().appendingPathComponent("main-globals-fixture").path
        let (status, output) = try runProgram(fixture, [], timeout: .seconds(30))
        #expect(status == 0, "\(output)")
        var checked: [String] = []
        for line in output.split(separator: "\n") {
            let name = String(line.prefix { $0 != " " })
            checked.append(name)
            if name == "uncopyable-in-pool" || name == "too-large-in-pool" {
                // A class that is not Codable, or a value over 1 MiB, is not
                // copied: the worker crashes, and the error says why.
                #expect(line.contains("error: ") && line.contains("global declared in main.swift"), "\(line)")
                continue
            }
            let results = line.dropFirst(name.count + 1).components(separatedBy: " | ")
            #expect(results.count == 2 && results[0] == results[1], "\(name): worker | here: \(line)")
        }
        #expect(
            checked == [
                "plain-in-pool", "plain-in-spawned-job", "codable-in-pool", "codable-in-spawned-job",
                "uncopyable-in-pool", "too-large-in-pool",
            ])
    }

    @Test func aGlobalVariableNameComesApart() throws {
        let plain = try #require(GlobalVariableName("$s4main6factorSivp"))
        #expect(plain.module == "main" && plain.declaration == "$s4main6factor" && plain.typeMangling == "Si")
        #expect(plain.initializationToken == "$s4main6factor_Wz")
        #expect(plain.type == Int.self)
        let privateOne = try #require(GlobalVariableName("$s2gp6secret33_0123456789ABCDEF0123456789ABCDEFLLSdvp"))
        #expect(privateOne.module == "gp" && privateOne.typeMangling == "Sd" && privateOne.type == Double.self)
        // A type of the variable's own module is substitution AA in the name.
        let ownType = try #require(GlobalVariableName("$s20MultiprocessingTests5probeAA16MainGlobalsTestsVvp"))
        #expect(ownType.type == MainGlobalsTests.self)
        for notAGlobal in [
            "$s4main6factorSivpZ", "$s4main6factorSivg", "$ss5print", "$s4main06factorSivp", "$s99mainSivp", "$s", "",
            "$s4main6factorvp",
        ] {
            #expect(GlobalVariableName(notAGlobal) == nil, "\(notAGlobal)")
        }
    }

    @Test func theSymbolTableNamesTheTestsVariables() throws {
        let variables = try executableVariables {
            $0.starts(with: "$s20MultiprocessingTests22lazilyInitializedProbe".utf8)
        }
        let storage = try #require(variables.first { $0.name.hasSuffix("vp") })
        #expect(storage.size == MemoryLayout<[Int]>.size)
        #expect(variables.contains { $0.name.hasSuffix("_Wz") }, "a lazy global has its token")
        #expect(lazilyInitializedProbe.count == 3)
    }

    @Test func valuesRoundTripAndMalformedOnesAreTypedErrors() throws {
        let values = GlobalValues(values: [
            .init(symbol: "$s4main6factorSivp", linkedAddress: 0x1234, form: .bits, bytes: [1, 0, 0, 0, 0, 0, 0, 0]),
            .init(symbol: "$s4main4nameSSvp", linkedAddress: 0x5678, form: .encoded, bytes: [9, 8, 7]),
        ])
        var bytes: [UInt8] = []
        ParentMessage.globals(values).write(to: &bytes)
        let frame = Array(bytes.dropFirst(4))  // the frame header
        guard case let .globals(read) = try frame.withUnsafeBytes({ try ParentMessage.read(from: $0) }) else {
            Issue.record("not a globals message")
            return
        }
        #expect(read.values == values.values)
        var unknownForm = frame
        unknownForm[unknownForm.count - 8] = 7  // the second value's form byte
        #expect(throws: MalformedMessage.self) { try unknownForm.withUnsafeBytes { try ParentMessage.read(from: $0) } }
        let tooMany: [UInt8] = [5, 0xFF, 0xFF, 0xFF, 0xFF, 0]
        #expect(throws: MalformedMessage.self) { try tooMany.withUnsafeBytes { try ParentMessage.read(from: $0) } }
        let truncated = Array(frame.dropLast(2))
        #expect(throws: MalformedMessage.self) { try truncated.withUnsafeBytes { try ParentMessage.read(from: $0) } }
    }

    @Test func theModulesOfAType() {
        #expect(modules(of: Int.self) == ["Swift"])
        #expect(modules(of: [Int: MainGlobalsTests?].self) == ["Swift", "MultiprocessingTests"])
    }
}
