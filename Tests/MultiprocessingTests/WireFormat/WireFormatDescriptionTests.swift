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

@Suite("Binary wire format: readable description", .timeLimit(.minutes(1)))
struct WireFormatDescriptionTests {
    @Test("a message renders as JSON-like text")
    func message() throws {
        let text = BinaryDecoder.describe(try BinaryEncoder().encode(wireSampleMessage()))
        #expect(
            text
                == #"{"id": 42, "name": "sample-42", "values": [0.0, 1.25, 2.5, 3.75, 5.0, 6.25, 7.5, 8.75], "flag": true}"#
        )
    }

    @Test("optionals, integer keys, blobs and enums")
    func variety() throws {
        #expect(BinaryDecoder.describe(try BinaryEncoder().encode([7: "seven"])) == #"{7: "seven"}"#)
        #expect(BinaryDecoder.describe(try BinaryEncoder().encode(Int??.some(nil))) == "some(null)")
        #expect(BinaryDecoder.describe(try BinaryEncoder().encode([UInt8]([1, 2]))) == "[1, 2]")
        #expect(
            BinaryDecoder.describe(try BinaryEncoder().encode(WireShape.circle(radius: 2)))
                == #"{"circle": {"radius": 2.0}}"#)
        #expect(BinaryDecoder.describe(try BinaryEncoder().encode([Int8(-1)])) == "[-1]")
        let long = BinaryDecoder.describe(try BinaryEncoder().encode([UInt8](repeating: 0, count: 1000)))
        #expect(long.hasSuffix("(1000 bytes)]"))
    }

    @Test("malformed input is described, never a crash")
    func malformed() throws {
        let bytes = try BinaryEncoder().encode(WireEverything(message: wireSampleMessage()))
        #expect(!BinaryDecoder.describe(bytes).contains("malformed"))
        for length in 0..<bytes.count {
            #expect(BinaryDecoder.describe(Array(bytes[..<length])).contains("malformed"))
        }
        #expect(BinaryDecoder.describe(bytes + [0]).hasSuffix("<malformed: 1 trailing bytes>"))
        var generator = WireSeededGenerator(seed: 3)
        for _ in 0..<2000 {
            var mutated = bytes
            mutated[Int.random(in: 1..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = BinaryDecoder.describe(mutated)
        }
    }
}
