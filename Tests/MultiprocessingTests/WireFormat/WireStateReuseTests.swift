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

import Multiprocessing
import Testing

/// The coder keeps one spare working state per thread; these check that
/// reuse never mixes up two codings that overlap.
@Suite("Wire format: per-thread state reuse", .timeLimit(.minutes(1)))
struct WireStateReuseTests {
    /// Encodes its inner value with a second, nested BinaryEncoder call
    /// while the outer call's state is in use.
    struct Envelope: Codable, Equatable {
        var label: String
        var inner: [Int]

        enum CodingKeys: String, CodingKey { case label, payload }

        init(label: String, inner: [Int]) {
            self.label = label
            self.inner = inner
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(label, forKey: .label)
            try container.encode(try BinaryEncoder().encode(inner), forKey: .payload)
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            label = try container.decode(String.self, forKey: .label)
            let payload = try container.decode([UInt8].self, forKey: .payload)
            inner = try BinaryDecoder().decode([Int].self, from: payload)
        }
    }

    @Test func nestedCodingInsideEncodeAndInitRoundTrips() throws {
        let value = [Envelope(label: "a", inner: [1, 2, 3]), Envelope(label: "b", inner: [])]
        let bytes = try BinaryEncoder().encode(value)
        #expect(try BinaryDecoder().decode([Envelope].self, from: bytes) == value)
        // The states used above go back to the cache; later codings stay correct.
        #expect(try BinaryDecoder().decode([Envelope].self, from: BinaryEncoder().encode(value)) == value)
    }

    /// Keeps the encoder it is given, past the end of `encode(to:)`.
    final class Escaper: Encodable, @unchecked Sendable {
        var kept: (any Encoder)?
        func encode(to encoder: any Encoder) throws {
            kept = encoder
            var container = encoder.singleValueContainer()
            try container.encode(7)
        }
    }

    @Test func anEscapedEncoderDoesNotDisturbLaterCodings() throws {
        let escaper = Escaper()
        let first = try BinaryEncoder().encode(escaper)
        #expect(try BinaryDecoder().decode(Int.self, from: first) == 7)
        let second = try BinaryEncoder().encode(["x": 1, "y": 2])
        #expect(try BinaryDecoder().decode([String: Int].self, from: second) == ["x": 1, "y": 2])
        // Using the kept encoder now must not change what was already encoded.
        var late = escaper.kept!.singleValueContainer()
        _ = try? late.encode(99)
        #expect(try BinaryDecoder().decode([String: Int].self, from: second) == ["x": 1, "y": 2])
        // Dictionaries need not iterate in the same order twice: compare an array's bytes.
        let ordered = [3, 1, 2]
        let before = try BinaryEncoder().encode(ordered)
        _ = try? late.encode(100)
        #expect(try BinaryEncoder().encode(ordered) == before)
    }

    @Test func manyThreadsCodingAtOnceStayCorrect() throws {
        let threads = (0..<4).map { index in
            PosixThread(name: "coder-\(index)") {
                for round in 0..<2_000 {
                    let value = Envelope(label: "t\(index)-\(round)", inner: Array(0..<(round % 9)))
                    let decoded = try? BinaryDecoder().decode(Envelope.self, from: BinaryEncoder().encode(value))
                    precondition(decoded == value, "a coding on thread \(index) was corrupted")
                }
            }
        }
        for thread in threads { try thread.start() }
        for thread in threads { #expect(thread.join(timeout: .seconds(50))) }
    }
}
