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

/// The time the binary coder alone takes for one encode and one decode of
/// `Record.sample`, in microseconds: the part of workload (a) that the raw
/// baseline does not do (twice per round trip on each side).
func codecCostPerEncodeDecode(iterations: Int) throws -> Double {
    let encoder = BinaryEncoder()
    let decoder = BinaryDecoder()
    var buffer: [UInt8] = []
    var checksum = 0
    let start = seconds()
    for _ in 0..<iterations {
        buffer.removeAll(keepingCapacity: true)
        try encoder.encode(Record.sample, appendingTo: &buffer)
        checksum &+= try decoder.decode(Record.self, from: buffer).id
    }
    let elapsed = seconds() - start
    precondition(checksum == 42 &* iterations)
    return elapsed / Double(iterations) * 1e6
}
