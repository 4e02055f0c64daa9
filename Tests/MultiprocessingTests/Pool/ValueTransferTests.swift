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

// How values travel between a pool and its workers: as their bytes only when
// their type allows it (`BitwiseTransferable`, or one of the standard
// library's numbers), otherwise through their `Codable` conformance, whose
// code then always runs. Pool jobs live at file scope, so that spawned
// workers find them by mangled name.

/// 32 bytes, no padding.
private struct Numbers: Codable, Equatable {
    var small: Int8, flag: Bool, half: Int16, word: Int32, big: Int, ratio: Double, single: Float, other: UInt32
}
private struct Nested: Codable, Equatable {
    var inner: Numbers
    var pair: Pair
    struct Pair: Codable, Equatable { var a: UInt64, b: UInt }
}
/// No internal padding, but trailing padding: size 9, stride 16.
private struct TrailingPadding: Codable, Equatable {
    var wide: Int64
    var narrow: UInt8
}
/// The same layout, opted in.
private struct BitwiseTrailingPadding: Codable, Equatable, BitwiseTransferable {
    var wide: Int64
    var narrow: UInt8
}
private struct WithTuple: Codable {
    var point: (x: Int32, y: Int32)
    init(x: Int32, y: Int32) { point = (x, y) }
    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        point = (try container.decode(Int32.self), try container.decode(Int32.self))
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(point.x)
        try container.encode(point.y)
    }
}
private struct InternalPadding: Codable { var narrow: UInt8, wide: Int64 }
private struct HoldsTrailingPadding: Codable { var inner: TrailingPadding, more: Int64 }
private struct WithString: Codable { var name: String }
private struct WithOptional: Codable { var value: Int? }
private enum Direction: Codable { case up, down }
private struct WithEnum: Codable { var direction: Direction }
private struct WithPointer: Codable {
    var address: UnsafeRawPointer
    init(address: UnsafeRawPointer) { self.address = address }
    init(from decoder: any Decoder) throws {
        address = UnsafeRawPointer(bitPattern: try decoder.singleValueContainer().decode(UInt.self))!
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(UInt(bitPattern: address))
    }
}
private struct HoldsBitwise: Codable { var part: BitwiseTrailingPadding }
private struct CustomMirror: Codable, CustomReflectable {
    var x: Int
    var customMirror: Mirror { Mirror(self, children: ["x": x]) }
}
private struct NeverEncodes: Codable {
    var x: Int
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(x, .init(codingPath: [], debugDescription: "never"))
    }
}
private struct NeverDecodes: Codable {
    var x: Int
    init(x: Int) { self.x = x }
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "never"))
    }
}
/// Decoding gives back a different value: Codable must keep running.
private struct Clamped: Codable {
    var x: Int
    init(x: Int) { self.x = x }
    init(from decoder: any Decoder) throws {
        x = min(try decoder.singleValueContainer().decode(Int.self), 10)
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(x)
    }
}

/// An output of numbers whose encoding fails for 3 only: its code runs, so 3 fails.
struct FragileOutput: Codable, Sendable, Equatable {
    var n: Int
    func encode(to encoder: any Encoder) throws {
        if n == 3 { throw EncodingError.invalidValue(n, .init(codingPath: [], debugDescription: "3 is fragile")) }
        var container = encoder.singleValueContainer()
        try container.encode(n)
    }
    init(n: Int) { self.n = n }
    init(from decoder: any Decoder) throws { n = try decoder.singleValueContainer().decode(Int.self) }
}
/// The same, opted in to byte copies: its `encode(to:)` never runs.
struct BitwiseFragileOutput: Codable, Sendable, Equatable, BitwiseTransferable {
    var n: Int
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(n, .init(codingPath: [], debugDescription: "never called"))
    }
    init(n: Int) { self.n = n }
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "never called"))
    }
}
struct MakeFragile: Job {
    var n: Int
    func run() -> FragileOutput { FragileOutput(n: n) }
}
struct MakeBitwiseFragile: Job {
    var n: Int
    func run() -> BitwiseFragileOutput { BitwiseFragileOutput(n: n) }
}
/// A job of numbers with a multi-field output of numbers, both through Codable.
struct Scale: Job {
    var value: Double
    var factor: Int32
    var negate: Bool
    func run() -> Scaled {
        let scaled = value * Double(factor)
        return Scaled(
            value: negate ? -scaled : scaled, wide: Int64(factor) << 40, narrow: UInt8(truncatingIfNeeded: factor))
    }
}
struct Scaled: Codable, Sendable, Equatable {
    var value: Double
    var wide: Int64
    var narrow: UInt8
}
/// The same job and output, both travelling as their bytes.
struct BitwiseScale: Job, BitwiseTransferable {
    var value: Double
    var factor: Int32
    var negate: Bool
    func run() -> BitwiseScaled {
        let scaled = Scale(value: value, factor: factor, negate: negate).run()
        return BitwiseScaled(value: scaled.value, wide: scaled.wide, narrow: scaled.narrow)
    }
}
struct BitwiseScaled: Codable, Sendable, Equatable, BitwiseTransferable {
    var value: Double
    var wide: Int64
    var narrow: UInt8
}

extension ProcessPoolSuites {
    @Suite("Value transfer forms", .timeLimit(.minutes(1)))
    struct ValueTransferTests {
        private typealias Form = ValueBatch.Form

        @Test func onlyBitwiseTransferableTypesAndStandardNumbersTravelAsBytes() {
            #expect(Form.of(BitwiseTrailingPadding.self) == .bytes)
            #expect(Form.of(BitwiseScale.self) == .bytes)
            for type in [
                Int.self, Int8.self, Int16.self, Int32.self, Int64.self, UInt.self, UInt8.self, UInt16.self,
                UInt32.self, UInt64.self, Float.self, Double.self, Bool.self,
            ] as [any Any.Type] {
                #expect(form(of: type) == .bytes, "\(type)")
            }
            // Structs and tuples of numbers and Bools travel through their Codable
            // code now, unless they opt in: the package cannot tell a synthesized
            // conformance from a hand-written one.
            #expect(Form.of(Numbers.self) == .codable)
            #expect(Form.of(Nested.self) == .codable)
            #expect(Form.of(TrailingPadding.self) == .codable)
            #expect(Form.of(AddOne.self) == .codable)
            #expect(Form.of(WithTuple.self) == .codable)
            #expect(Form.of(HoldsBitwise.self) == .codable, "opting in is per type, not inherited by holders")
        }

        @Test func anythingElseKeepsCodable() {
            #expect(Form.of(InternalPadding.self) == .codable)
            #expect(Form.of(HoldsTrailingPadding.self) == .codable)
            #expect(Form.of(WithString.self) == .codable)
            #expect(Form.of(WithOptional.self) == .codable)
            #expect(Form.of(WithEnum.self) == .codable)
            #expect(Form.of(Direction.self) == .codable)
            #expect(Form.of(WithPointer.self) == .codable)
            #expect(Form.of(CustomMirror.self) == .codable)
            #expect(Form.of(NeverEncodes.self) == .codable)
            #expect(Form.of(NeverDecodes.self) == .codable)
            #expect(Form.of(Clamped.self) == .codable)
            #expect(Form.of(String.self) == .codable)
            #expect(Form.of([Int].self) == .codable)
            #expect(Form.of(Int?.self) == .codable)
            #expect(Form.of(Int128.self) == .codable)
        }

        @Test func theFormFollowsTheTypeNeverASampleValue() throws {
            // A value that survives its round trip and one that does not: same form.
            #expect(Form.of(Clamped.self) == .codable)
            var out: [UInt8] = []
            try ValueBatch.append([Clamped(x: 1), Clamped(x: 11)][...], to: &out)
            let decoded = try out.withUnsafeBytes { try ValueBatch.decode(Clamped.self, from: $0) }
            #expect(decoded.map(\.x) == [1, 10], "init(from:) ran for every value")
        }

        @Test func batchesRoundTripInBothForms() throws {
            let codable = (0..<100).map { TrailingPadding(wide: Int64($0) << 33, narrow: UInt8($0)) }
            let bitwise = codable.map { BitwiseTrailingPadding(wide: $0.wide, narrow: $0.narrow) }
            var codableBatch: [UInt8] = []
            try ValueBatch.append(codable[...], to: &codableBatch)
            #expect(
                try codableBatch.withUnsafeBytes { try ValueBatch.decode(TrailingPadding.self, from: $0) } == codable)
            var bytesBatch: [UInt8] = []
            try ValueBatch.append(bitwise[...], to: &bytesBatch)
            #expect(
                try bytesBatch.withUnsafeBytes { try ValueBatch.decode(BitwiseTrailingPadding.self, from: $0) }
                    == bitwise)
            #expect(bytesBatch.count == 1 + 4 + 100 * MemoryLayout<BitwiseTrailingPadding>.stride)
            // A batch appends after what the buffer holds; an empty one decodes to nothing.
            var empty: [UInt8] = [7, 7]
            try ValueBatch.append([BitwiseTrailingPadding]()[...], to: &empty)
            var decoded = [BitwiseTrailingPadding(wide: 7, narrow: 7)]
            try empty.withUnsafeBytes {
                try ValueBatch.decode(
                    BitwiseTrailingPadding.self, from: UnsafeRawBufferPointer(rebasing: $0[2...]), appendingTo: &decoded
                )
            }
            #expect(decoded == [BitwiseTrailingPadding(wide: 7, narrow: 7)])
            #expect(empty.prefix(2) == [7, 7])
        }

        @Test func aSingleValueTravelsAsABatchOfOne() throws {
            let value = Scaled(value: 1.5, wide: -3, narrow: 7)
            var out: [UInt8] = []
            try ValueBatch.append(only: value, to: &out)
            #expect(try out.withUnsafeBytes { try ValueBatch.decode(only: Scaled.self, from: $0) } == value)
            #expect(try out.withUnsafeBytes { try ValueBatch.decode(Scaled.self, from: $0) } == [value])
            var bytes: [UInt8] = []
            try ValueBatch.append(only: BitwiseScale(value: 2, factor: 3, negate: false), to: &bytes)
            #expect(bytes.count == 1 + 4 + MemoryLayout<BitwiseScale>.stride)
            #expect(
                try bytes.withUnsafeBytes { try ValueBatch.decode(only: BitwiseScale.self, from: $0) }.run().value == 6)
            // Not exactly one: refused.
            for count in [0, 2] {
                var batch: [UInt8] = []
                try ValueBatch.append(Array(repeating: value, count: count)[...], to: &batch)
                #expect(throws: MalformedMessage.self) {
                    try batch.withUnsafeBytes { try ValueBatch.decode(only: Scaled.self, from: $0) }
                }
            }
        }

        @Test func aValueThatFailsToEncodeLeavesTheOnesBeforeIt() throws {
            var out: [UInt8] = []
            let written = ValueBatch.write(FragileOutput.self, maximumCount: 6, to: &out) { writer in
                for n in 0..<6 {
                    do { try writer.append(FragileOutput(n: n)) } catch { break }
                }
                return writer.count
            }
            #expect(written == 3)
            #expect(
                try out.withUnsafeBytes { try ValueBatch.decode(FragileOutput.self, from: $0) }.map(\.n) == [0, 1, 2])
        }

        @Test func malformedBatchesAreRejected() throws {
            var out: [UInt8] = []
            try ValueBatch.append([BitwiseScale(value: 1, factor: 2, negate: false)][...], to: &out)
            let cut = Array(out.dropLast())
            #expect(throws: MalformedMessage.self) {
                try cut.withUnsafeBytes { bytes in try ValueBatch.decode(BitwiseScale.self, from: bytes) }
            }
            // Bytes claimed for a type that cannot travel as bytes: refused by the
            // receiver, whatever the sender says, so nothing skips its Codable code.
            for claimed in [MemoryLayout<String>.stride, MemoryLayout<AddOne>.stride] {
                var bytes: [UInt8] = [1]
                bytes.appendInteger(UInt32(1))
                bytes.append(contentsOf: repeatElement(0, count: claimed))
                #expect(throws: MalformedMessage.self) {
                    try bytes.withUnsafeBytes { bytes in try ValueBatch.decode(String.self, from: bytes) }
                }
                #expect(throws: MalformedMessage.self) {
                    try bytes.withUnsafeBytes { bytes in try ValueBatch.decode(AddOne.self, from: bytes) }
                }
            }
            // A codable batch claimed for a type that travels as bytes.
            var codable: [UInt8] = []
            try ValueBatch.append([AddOne(x: 1)][...], to: &codable)
            #expect(throws: MalformedMessage.self) {
                try codable.withUnsafeBytes { bytes in try ValueBatch.decode(Int.self, from: bytes) }
            }
            for unknownOrMissingForm in [[9, 0, 0, 0, 0], [], [0, 1]] as [[UInt8]] {
                #expect(throws: MalformedMessage.self) {
                    try unknownOrMissingForm.withUnsafeBytes { bytes in try ValueBatch.decode(Int.self, from: bytes) }
                }
            }
        }

        @Test func bothFormsRoundTripThroughWorkers() async throws {
            let pool = try ProcessPool(workers: 2)
            let jobs = (0..<5_000).map { (i: Int) -> Scale in
                Scale(value: Double(i) / 3, factor: Int32(i - 2_500), negate: i % 2 == 0)
            }
            #expect(try await pool.map(jobs) == jobs.map { $0.run() })
            #expect(try await pool.run(jobs[4_321]) == jobs[4_321].run())
            let bitwise = jobs.map { BitwiseScale(value: $0.value, factor: $0.factor, negate: $0.negate) }
            #expect(try await pool.map(bitwise) == bitwise.map { $0.run() })
            #expect(try await pool.run(bitwise[4_321]) == bitwise[4_321].run())
            await pool.shutdown()
        }

        @Test func anOutputOfNumbersRunsItsCodingUnlessBitwiseTransferable() async throws {
            let pool = try ProcessPool(workers: 1)
            // Before BitwiseTransferable, this output skipped its encode(to:) as a
            // "plain value" and the map succeeded; now its code runs, and 3 fails.
            let error = await #expect(throws: ProcessPoolError.self) {
                try await pool.map((0..<6).map { MakeFragile(n: $0) })
            }
            guard case .outputEncodingFailed(let typeName, let detail)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(typeName.hasSuffix("FragileOutput"))
            #expect(detail.contains("3 is fragile"))
            #expect(try await pool.run(MakeFragile(n: 4)).n == 4, "only that job failed")

            let bitwise = try await pool.map((0..<6).map { MakeBitwiseFragile(n: $0) })
            #expect(bitwise.map(\.n) == Array(0..<6), "travels as bytes: neither encode(to:) nor init(from:) runs")
            await pool.shutdown()
        }

        @Test func arraysAndOtherSequencesAreChunkedAlike() {
            // An array is copied a chunk at a time; any other sequence is read
            // element by element, lazily: the chunks are the same.
            let numbers = Array(0..<1_000)
            for known in [true, false] {
                var fromArray = ChunkSource(numbers)
                var fromSequence = ChunkSource(numbers.lazy.map { $0 })
                var arrayPlanner = ChunkPlanner(workers: 2, knownCount: known ? numbers.count : 0, chunkSize: nil)
                var sequencePlanner = arrayPlanner
                var chunks: [[Int]] = []
                while true {
                    let chunk = arrayPlanner.nextChunk(from: &fromArray)
                    #expect(chunk == sequencePlanner.nextChunk(from: &fromSequence))
                    if chunk.isEmpty { break }
                    chunks.append(Array(chunk))
                }
                #expect(chunks.joined().elementsEqual(numbers))
            }
            var endless = ChunkSource(1...)
            var planner = ChunkPlanner(workers: 1, knownCount: 0, chunkSize: nil)
            #expect(planner.nextChunk(from: &endless) == [1] && planner.nextChunk(from: &endless) == [2, 3])
        }

        private func form(of type: any Any.Type) -> Form {
            func form<T>(_: T.Type) -> Form { Form.of(T.self) }
            return _openExistential(type, do: form)
        }
    }
}
