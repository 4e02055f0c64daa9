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

import MultiprocessingPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// A deterministic byte pattern, different for each `seed`.
package func pattern(count: Int, seed: UInt8 = 0) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var state = UInt32(seed) &* 2_654_435_761 &+ 1
    for index in 0..<count {
        state = state &* 1_664_525 &+ 1_013_904_223
        bytes[index] = UInt8(truncatingIfNeeded: state >> 24)
    }
    return bytes
}

/// Whether every byte of `bytes` is `value` (checked a megabyte at a time with
/// `memcmp`: fast enough for gigabytes in a debug build).
package func isFilled(_ bytes: ArraySlice<UInt8>, with value: UInt8) -> Bool {
    let chunk = [UInt8](repeating: value, count: 1 << 20)
    return bytes.withUnsafeBytes { all in
        chunk.withUnsafeBytes { reference in
            stride(from: 0, to: all.count, by: chunk.count).allSatisfy { offset in
                memcmp(all.baseAddress! + offset, reference.baseAddress!, min(chunk.count, all.count - offset)) == 0
            }
        }
    }
}

/// Writes raw bytes to a socket, bypassing any framing (to fake a peer).
package func writeRaw(_ fd: Int32, _ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { buffer in
        try SocketIO.writeAll(fd, buffer)
    }
}

/// Fills `buffer` from socket `fd` unless the stream ends first; returns how many
/// bytes it read (less than `buffer.count` only at end of stream).
package func readExactly(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    var total = 0
    while total < buffer.count {
        let count = try SocketIO.readSome(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
        if count == 0 { break }
        total += count
    }
    return total
}
