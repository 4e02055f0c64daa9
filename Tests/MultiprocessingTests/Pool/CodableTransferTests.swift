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

// Issue 10: a type's own Codable code is never bypassed unless it opts in
// with BitwiseTransferable. Jobs live at file scope, so that spawned workers
// find them by mangled name.

/// A job whose `init(from:)` validates (refuses negative values) and
/// normalizes (lowercases), and notes which process decoded it.
struct NormalizedName: Job {
    var name: String
    var value: Int
    /// Set by `init(from:)`: the process that decoded this job.
    var decodedBy: Int32 = 0

    init(name: String, value: Int) {
        self.name = name
        self.value = value
    }

    enum CodingKeys: String, CodingKey { case name, value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        value = try container.decode(Int.self, forKey: .value)
        guard value >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .value, in: container, debugDescription: "negative: \(value)")
        }
        name = try container.decode(String.self, forKey: .name).lowercased()
        decodedBy = getpid()
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(value, forKey: .value)
    }

    func run() throws -> Stamped {
        if value == 13 { throw StampedFailure(reason: "unlucky") }
        return Stamped(text: "\(name)=\(value)", jobDecodedBy: decodedBy)
    }
}

/// An output whose coding notes which process encoded and decoded it.
struct Stamped: Codable, Sendable, Equatable {
    var text: String
    var jobDecodedBy: Int32
    var encodedBy: Int32 = 0
    var decodedBy: Int32 = 0

    init(text: String, jobDecodedBy: Int32) {
        self.text = text
        self.jobDecodedBy = jobDecodedBy
    }

    enum CodingKeys: String, CodingKey { case text, jobDecodedBy, encodedBy }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        jobDecodedBy = try container.decode(Int32.self, forKey: .jobDecodedBy)
        encodedBy = try container.decode(Int32.self, forKey: .encodedBy)
        decodedBy = getpid()
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(text, forKey: .text)
        try container.encode(jobDecodedBy, forKey: .jobDecodedBy)
        try container.encode(getpid(), forKey: .encodedBy)
    }
}

/// An error whose coding notes which process encoded and decoded it.
struct StampedFailure: Error, Codable, Equatable {
    var reason: String
    var encodedBy: Int32 = 0
    var decodedBy: Int32 = 0

    init(reason: String) { self.reason = reason }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        reason = try container.decode(String.self)
        encodedBy = try container.decode(Int32.self)
        decodedBy = getpid()
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(reason)
        try container.encode(getpid())
    }
}

/// A number that means something in one process only (a descriptor, a local
/// identifier): its coding translates it to a portable identifier and back.
/// Here a process's number for identifier `id` is `id + pid * 1000`.
struct LocalNumber: Codable, Sendable, Equatable {
    var number: Int

    static func here(_ id: Int) -> LocalNumber { LocalNumber(number: id + Int(getpid()) * 1000) }
    var id: Int { number - Int(getpid()) * 1000 }

    init(number: Int) { self.number = number }
    init(from decoder: any Decoder) throws {
        number = try decoder.singleValueContainer().decode(Int.self) + Int(getpid()) * 1000
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id)
    }
}

/// The same number without translation, opted in to byte copies: it arrives
/// with the sender's number (the documented hazard of the protocol).
struct UntranslatedNumber: Codable, Sendable, Equatable, BitwiseTransferable {
    var number: Int
}

/// Returns the identifier its local number stands for in the worker, and the number.
struct ResolveNumber: Job {
    var local: LocalNumber
    var raw: UntranslatedNumber
    func run() -> [Int] { [local.id, local.number, raw.number, Int(getpid())] }
}

/// A job that travels as bytes: its Codable code would fail, and never runs.
struct BitwiseStep: Job, BitwiseTransferable {
    var x: Int32
    var scale: Double
    init(x: Int32, scale: Double) { (self.x, self.scale) = (x, scale) }
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "never decoded"))
    }
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(x, .init(codingPath: [], debugDescription: "never encoded"))
    }
    func run() -> String { "\(x)*\(scale)" }
}

/// A Codable job with an output that travels as bytes.
struct LabelLength: Job {
    var label: String
    func run() -> BitwiseLength { BitwiseLength(count: label.utf8.count, first: label.utf8.first ?? 0) }
}
struct BitwiseLength: Codable, Sendable, Equatable, BitwiseTransferable {
    var count: Int
    var first: UInt8
}

/// Sends a value through a worker and back.
struct Echo<Value: Codable & Sendable>: Job {
    var value: Value
    func run() -> Value { value }
}

/// An output whose decoding fails for one value only.
struct PickyOutput: Codable, Sendable, Equatable {
    var n: Int
    init(n: Int) { self.n = n }
    init(from decoder: any Decoder) throws {
        n = try decoder.singleValueContainer().decode(Int.self)
        if n == 7 { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "7 is refused")) }
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(n)
    }
}
struct MakePicky: Job {
    var n: Int
    func run() -> PickyOutput { PickyOutput(n: n) }
}

extension ProcessPoolSuites {
    @Suite("Codable transfer", .timeLimit(.minutes(2)))
    struct CodableTransferTests {
        @Test func aHandWrittenInitFromRunsInTheWorkerForJobsOutputsAndErrors() async throws {
            let pool = try ProcessPool(workers: 2)
            let workers = Set(pool.workerPIDs)
            let stamped = try await pool.run(NormalizedName(name: "MiXeD", value: 4))
            #expect(stamped.text == "mixed=4", "the job's init(from:) normalized the name in the worker")
            #expect(workers.contains(stamped.jobDecodedBy), "the job was decoded by a worker")
            #expect(workers.contains(stamped.encodedBy), "the output was encoded by a worker")
            #expect(stamped.decodedBy == getpid(), "the output was decoded here")

            let error = await #expect(throws: StampedFailure.self) {
                try await pool.run(NormalizedName(name: "x", value: 13))
            }
            #expect(error?.reason == "unlucky")
            #expect(error.map { workers.contains($0.encodedBy) } == true, "the error was encoded by a worker")
            #expect(error?.decodedBy == getpid(), "and decoded here, by its own init(from:)")

            let refused = await #expect(throws: ProcessPoolError.self) {
                try await pool.run(NormalizedName(name: "x", value: -1))
            }
            guard case .jobDecodingFailed(let typeName, let detail)? = refused else {
                Issue.record("unexpected \(String(describing: refused))")
                return
            }
            #expect(typeName.hasSuffix("NormalizedName") && detail.contains("negative: -1"))
            await pool.shutdown()
        }

        @Test func aProcessLocalNumberArrivesTranslated() async throws {
            let pool = try ProcessPool(workers: 1)
            let result = try await pool.run(
                ResolveNumber(local: .here(7), raw: UntranslatedNumber(number: LocalNumber.here(7).number)))
            let worker = result[3]
            #expect(worker != Int(getpid()))
            #expect(result[0] == 7, "the identifier survived")
            #expect(result[1] == 7 + worker * 1000, "the worker got its own number for it")
            #expect(result[2] == 7 + Int(getpid()) * 1000, "a BitwiseTransferable copy keeps the sender's number")
            await pool.shutdown()
        }

        @Test func bitwiseTransferableJobsAndOutputsNeverRunTheirCoding() async throws {
            let pool = try ProcessPool(workers: 2)
            let steps = (0..<500).map { BitwiseStep(x: Int32($0), scale: Double($0) / 4) }
            #expect(try await pool.map(steps) == steps.map { $0.run() })
            #expect(try await pool.run(steps[3]) == "3*0.75")
            await pool.shutdown()
        }

        @Test func mixedForms_map_mapUnordered_andSubmit() async throws {
            let pool = try ProcessPool(workers: 2)
            // Bytes in, Codable out; Codable in, bytes out; Codable both ways.
            let steps = (0..<300).map { BitwiseStep(x: Int32($0), scale: 0.5) }
            let labels = (0..<300).map { LabelLength(label: String(repeating: "é", count: $0 % 9)) }
            let names = (0..<300).map { NormalizedName(name: "N\($0)", value: $0 == 13 ? 14 : $0) }

            // Three maps at once on one pool: their chunks interleave on the workers.
            async let mappedSteps = pool.map(steps)
            async let mappedLabels = pool.map(labels)
            async let mappedNames = pool.map(names)
            #expect(try await mappedSteps == steps.map { $0.run() })
            #expect(try await mappedLabels == labels.map { $0.run() })
            let expectedNames = names.map { "\($0.name.lowercased())=\($0.value)" }
            #expect(try await mappedNames.map(\.text) == expectedNames)

            var unordered = [Int: BitwiseLength]()
            for try await (index, output) in pool.mapUnordered(labels) { unordered[index] = output }
            #expect(unordered.count == labels.count && labels.indices.allSatisfy { unordered[$0] == labels[$0].run() })

            // Submits of all three kinds, interleaved.
            var futures: [(JobFuture<String>?, JobFuture<BitwiseLength>?, JobFuture<Stamped>?)] = []
            for index in 0..<50 {
                futures.append(
                    (try pool.submit(steps[index]), try pool.submit(labels[index]), try pool.submit(names[index])))
            }
            for (index, (step, label, name)) in futures.enumerated() {
                #expect(try await step?.value == steps[index].run())
                #expect(try await label?.value == labels[index].run())
                #expect(try await name?.value.text == expectedNames[index])
            }
            await pool.shutdown()
        }

        @Test func largeStringsAndArraysRoundTripExactly() async throws {
            let pool = try ProcessPool(workers: 1)
            for size in [1 << 20, 100 << 20] {
                // Strings: multi-byte characters, so that every byte is checked as UTF-8.
                let unit = "ab\u{e9}\u{1F600}\u{0}z"  // 10 bytes
                let string = String(repeating: unit, count: size / unit.utf8.count)
                let echoedString = try await pool.run(Echo(value: string))
                #expect(echoedString.utf8.count == string.utf8.count && echoedString == string)

                // Arrays filled and compared a block at a time: element by element,
                // 100 MiB takes many seconds in a debug build.
                let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                    for index in 0..<size / 4096 {
                        memset(buffer.baseAddress! + index * 4096, Int32(index & 0xFF), 4096)
                    }
                    count = size
                }
                #expect(sameBytes(try await pool.run(Echo(value: bytes)), bytes))
                let doubles = [Double](unsafeUninitializedCapacity: size / 8) { buffer, count in
                    bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
                    count = size / 8
                }
                #expect(sameBytes(try await pool.run(Echo(value: doubles)), doubles))
            }
            let strings = (0..<100_000).map { "file_\($0).txt" }
            #expect(try await pool.run(Echo(value: strings)) == strings)
            await pool.shutdown()
        }

        /// Whether two arrays hold the same bytes (NaNs included).
        private func sameBytes<T>(_ a: [T], _ b: [T]) -> Bool {
            a.count == b.count
                && a.withUnsafeBytes { a in
                    b.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
                }
        }

        @Test func aValueThatFailsToDecodeFailsItsOwnJobOnly() async throws {
            let pool = try ProcessPool(workers: 2)
            // submit: one job fails to decode in the worker, one output fails to decode here.
            let good = try pool.submit(NormalizedName(name: "A", value: 1))
            let bad = try pool.submit(NormalizedName(name: "B", value: -2))
            let pickyGood = try pool.submit(MakePicky(n: 6))
            let pickyBad = try pool.submit(MakePicky(n: 7))
            #expect(try await good.value.text == "a=1")
            await #expect {
                _ = try await bad.value
            } throws: { error in
                if case ProcessPoolError.jobDecodingFailed = error { return true }
                return false
            }
            #expect(try await pickyGood.value == PickyOutput(n: 6))
            await #expect {
                _ = try await pickyBad.value
            } throws: { error in
                guard case ProcessPoolError.outputDecodingFailed(_, let detail) = error else { return false }
                return detail.contains("7 is refused")
            }

            // map: the failing job's error; mapUnordered: the outputs of the jobs before it, then its error.
            let names = (0..<10).map { NormalizedName(name: "n", value: $0 == 5 ? -5 : $0) }
            await #expect(throws: ProcessPoolError.self) { try await pool.map(names) }
            var before = Set<Int>()
            await #expect(throws: ProcessPoolError.self) {
                for try await (index, _) in pool.mapUnordered(names) { before.insert(index) }
            }
            #expect(!before.contains(5))
            #expect(
                try await pool.map((0..<10).map { NormalizedName(name: "n", value: $0) }).count == 10,
                "the pool goes on serving")
            await pool.shutdown()
        }

        @Test func aMalformedJobInABatchFailsThatJobOnly() throws {
            // The worker's side of a task, in this process: job 3 of 5 has a
            // value of another type where `value` should be.
            var payload: [UInt8] = []
            try ValueBatch.append((0..<5).map { NormalizedName(name: "j\($0)", value: $0) }[...], to: &payload)
            let third = try #require(
                payload.indices.first { index in
                    // The entry `value` of job 3: the key "value", then the int tag and 3 zigzagged (6).
                    Array(payload[index..<min(index + 8, payload.count)]) == [10] + Array("value".utf8) + [
                        WireTag.int.rawValue, 6,
                    ]
                })
            payload[third + 6] = WireTag.true.rawValue  // same length: the framing stays intact
            payload[third + 7] = WireTag.true.rawValue
            var outputs: [UInt8] = []
            let outcome = payload.withUnsafeBytes {
                runJobs(NormalizedName.self, payload: $0, appendingOutputsTo: &outputs)
            }
            #expect(outcome.completed == 3)
            guard case .jobDecodingFailed(let typeName, let detail)? = outcome.failure else {
                Issue.record("unexpected \(String(describing: outcome.failure))")
                return
            }
            #expect(typeName.hasSuffix("NormalizedName") && detail.contains("typeMismatch"))
            let decoded = try outputs.withUnsafeBytes { try ValueBatch.decode(Stamped.self, from: $0) }
            #expect(decoded.map(\.text) == ["j0=0", "j1=1", "j2=2"])

            // Broken framing: no job can be read; a typed failure, nothing run.
            var cut = payload
            cut.removeLast(3)
            var none: [UInt8] = []
            let broken = cut.withUnsafeBytes { runJobs(NormalizedName.self, payload: $0, appendingOutputsTo: &none) }
            #expect(broken.completed == 0 && none.isEmpty)
            guard case .jobDecodingFailed? = broken.failure else {
                Issue.record("unexpected \(String(describing: broken.failure))")
                return
            }
        }
    }
}
