import Testing
@testable import Multiprocessing

// Types for judging plainness. Pool jobs among them live in PoolTestJobs.swift's
// style: at file scope, so spawned workers find them by mangled name.

/// 32 bytes, no padding (a struct with padding inside would not qualify).
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
private struct Marked: Codable, RequiresCodableTransfer { var x: Int }
private struct HoldsMarked: Codable { var marked: Marked }
private struct CustomMirror: Codable, CustomReflectable {
    var x: Int
    var customMirror: Mirror { Mirror(self, children: ["x": x]) }
}
private struct NeverEncodes: Codable {
    var x: Int
    init(x: Int) { self.x = x }
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

/// A plain output whose encoding fails for 3 only: without the marker it
/// travels as bytes and never fails; with it, 3 fails.
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
struct MarkedFragileOutput: Codable, Sendable, Equatable, RequiresCodableTransfer {
    var fragile: FragileOutput
}
struct MakeFragile: Job {
    var n: Int
    func run() -> FragileOutput { FragileOutput(n: n) }
}
struct MakeMarkedFragile: Job {
    var n: Int
    func run() -> MarkedFragileOutput { MarkedFragileOutput(fragile: FragileOutput(n: n)) }
}
/// A plain job with a plain multi-field output.
struct Scale: Job {
    var value: Double
    var factor: Int32
    var negate: Bool
    func run() -> Scaled {
        let scaled = value * Double(factor)
        return Scaled(value: negate ? -scaled : scaled, wide: Int64(factor) << 40, narrow: UInt8(truncatingIfNeeded: factor))
    }
}
struct Scaled: Codable, Sendable, Equatable {
    var value: Double
    var wide: Int64
    var narrow: UInt8
}

extension ProcessPoolSuites {
    @Suite("Plain-value transfer", .timeLimit(.minutes(1)))
    struct PlainValueTransferTests {
        @Test func structsAndTuplesOfNumbersAndBoolsQualify() {
            #expect(PlainValues.qualify(Numbers(small: -1, flag: true, half: 2, word: 3, big: 4, ratio: 0.5, single: 1.5, other: 6)))
            let numbers = Numbers(small: 1, flag: false, half: 0, word: 0, big: 0, ratio: 0, single: 0, other: 0)
            #expect(PlainValues.qualify(Nested(inner: numbers, pair: .init(a: 1, b: 2))))
            #expect(PlainValues.qualify(TrailingPadding(wide: 1, narrow: 2)))
            #expect(PlainValues.qualify(AddOne(x: 1)))
            #expect(PlainValues.qualify(WithTuple(x: -1, y: 2)))
        }

        @Test func anythingElseKeepsCodable() {
            #expect(!PlainValues.qualify(InternalPadding(narrow: 1, wide: 2)), "padding bytes could not be compared")
            #expect(!PlainValues.qualify(HoldsTrailingPadding(inner: .init(wide: 1, narrow: 2), more: 3)),
                    "a part's trailing padding is padding inside the whole")
            #expect(!PlainValues.qualify(WithString(name: "a")))
            #expect(!PlainValues.qualify(WithOptional(value: 1)))
            #expect(!PlainValues.qualify(WithEnum(direction: .up)))
            #expect(!PlainValues.qualify(Direction.down))
            #expect(!PlainValues.qualify(WithPointer(address: UnsafeRawPointer(bitPattern: 0x1000)!)))
            #expect(!PlainValues.qualify(Marked(x: 1)))
            #expect(!PlainValues.qualify(HoldsMarked(marked: Marked(x: 1))), "the marker counts in any part")
            #expect(!PlainValues.qualify(CustomMirror(x: 1)))
            #expect(!PlainValues.qualify(NeverEncodes(x: 1)))
            #expect(!PlainValues.qualify(NeverDecodes(x: 1)))
            #expect(!PlainValues.qualify(Clamped(x: 11)), "a round trip that changes the value")
            #expect(!PlainValues.qualify("text"))
            #expect(!PlainValues.qualify([1, 2]))
        }

        @Test func verdictsAreRememberedPerType() {
            var types = PlainValueTypes()
            let first = types.qualify(Clamped(x: 1))
            let second = types.qualify(Clamped(x: 11))
            #expect(first, "1 survives the round trip, so this sample passes")
            #expect(second, "the first verdict stands for the type")
            #expect(!PlainValueTypes.qualifyShared(Clamped(x: 11)), "the shared verdicts are separate")
        }

        @Test func batchesRoundTripInBothForms() throws {
            let values = (0 ..< 100).map { TrailingPadding(wide: Int64($0) << 33, narrow: UInt8($0)) }
            for asBytes in [true, false] {
                var out: [UInt8] = []
                try ValueBatch.append(values, asBytes: asBytes, to: &out)
                // A collection without contiguous storage takes the value-by-value path.
                var lazyOut: [UInt8] = []
                try ValueBatch.append(values.lazy.map { $0 }, asBytes: asBytes, to: &lazyOut)
                for batch in [out, lazyOut] {
                    #expect(try batch.withUnsafeBytes { bytes in try ValueBatch.decode(TrailingPadding.self, from: bytes) } == values)
                }
            }
            var bytesForm: [UInt8] = []
            try ValueBatch.append(values, asBytes: true, to: &bytesForm)
            #expect(bytesForm.count == 1 + 4 + 100 * MemoryLayout<TrailingPadding>.stride)
            var empty: [UInt8] = []
            try ValueBatch.append([TrailingPadding](), asBytes: true, to: &empty)
            var decoded = [TrailingPadding(wide: 7, narrow: 7)]
            try empty.withUnsafeBytes { try ValueBatch.decode(TrailingPadding.self, from: $0, appendingTo: &decoded) }
            #expect(decoded == [TrailingPadding(wide: 7, narrow: 7)])
        }

        @Test func malformedBatchesAreRejected() throws {
            var out: [UInt8] = []
            try ValueBatch.append([AddOne(x: 1), AddOne(x: 2)], asBytes: true, to: &out)
            let cut = Array(out.dropLast())
            #expect(throws: MalformedMessage.self) {
                try cut.withUnsafeBytes { bytes in try ValueBatch.decode(AddOne.self, from: bytes) }
            }
            // Bytes claimed for a type that cannot travel as bytes.
            var strings: [UInt8] = [1]
            strings.appendInteger(UInt32(1))
            strings.append(contentsOf: repeatElement(0, count: MemoryLayout<String>.stride))
            #expect(throws: MalformedMessage.self) {
                try strings.withUnsafeBytes { bytes in try ValueBatch.decode(String.self, from: bytes) }
            }
            for unknownOrMissingForm in [[9], []] as [[UInt8]] {
                #expect(throws: MalformedMessage.self) {
                    try unknownOrMissingForm.withUnsafeBytes { bytes in try ValueBatch.decode(Int.self, from: bytes) }
                }
            }
        }

        @Test func plainJobsAndOutputsRoundTripThroughWorkers() async throws {
            let pool = try ProcessPool(workers: 2)
            let jobs = (0 ..< 5_000).map { (i: Int) -> Scale in
                Scale(value: Double(i) / 3, factor: Int32(i - 2_500), negate: i % 2 == 0)
            }
            #expect(try await pool.map(jobs) == jobs.map { $0.run() })
            #expect(try await pool.run(jobs[4_321]) == jobs[4_321].run())
            await pool.shutdown()
        }

        @Test func aPlainOutputSkipsItsCodingUnlessMarked() async throws {
            let pool = try ProcessPool(workers: 1)
            let plain = try await pool.map((0 ..< 6).map { MakeFragile(n: $0) })
            #expect(plain.map(\.n) == Array(0 ..< 6), "plain values travel as bytes: encode(to:) is not called")

            let error = await #expect(throws: ProcessPoolError.self) {
                try await pool.map((0 ..< 6).map { MakeMarkedFragile(n: $0) })
            }
            guard case .outputEncodingFailed(let typeName, let detail)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(typeName.hasSuffix("MarkedFragileOutput"))
            #expect(detail.contains("3 is fragile"))
            #expect(try await pool.run(MakeMarkedFragile(n: 4)).fragile.n == 4, "only that job failed")
            await pool.shutdown()
        }
    }
}
