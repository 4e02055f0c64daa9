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

import MultiprocessingTestSupport

@testable import Multiprocessing

/// A small Codable value for round trips.
struct Sample: Codable, Equatable, Sendable {
    var id: Int
    var name: String
    var values: [Double]
}

extension FrameHeader {
    /// The header announcing `payloadCount` bytes, as an array.
    static func encode(payloadCount: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: maximumCount) { buffer, count in
            count = encode(payloadCount: payloadCount, into: buffer.baseAddress!)
        }
    }
}

/// A 4-byte big-endian length header (Python's short form).
func shortHeader(_ count: UInt32) -> [UInt8] {
    withUnsafeBytes(of: count.bigEndian, Array.init)
}

/// The marker -1 then an 8-byte big-endian length (Python's long form).
func longHeader(_ count: UInt64) -> [UInt8] {
    [0xFF, 0xFF, 0xFF, 0xFF] + withUnsafeBytes(of: count.bigEndian, Array.init)
}

/// ``MultiprocessingTestSupport/checkThrows(_:line:_:)`` for connection errors
/// (so that `.endOfStream` needs no type name).
func checkThrows<T>(_ expected: ConnectionError, line: Int = #line, _ body: () throws -> T) throws {
    try MultiprocessingTestSupport.checkThrows(expected as ConnectionError, line: line, body)
}
