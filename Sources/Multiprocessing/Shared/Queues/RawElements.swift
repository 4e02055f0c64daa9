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

/// The element types a process queue ships as their bytes instead of
/// through `Codable`: the standard library's fixed-width numbers and `Bool`,
/// whose memory layout the platform's ABI fixes (so the bytes mean the same
/// in any process of the same architecture, whichever executable it runs),
/// and whose `Codable` conformance encodes exactly that value. Everything
/// else — user structs included — goes through `Codable`, so a hand-written
/// `init(from:)` always runs. None is wider than 8 bytes.
enum RawElements {
    /// Whether `T` travels as its bytes.
    @inline(__always)
    static func contains<T>(_ type: T.Type) -> Bool {
        type == Int.self || type == Double.self || type == UInt.self || type == Int64.self
            || type == UInt64.self || type == Int32.self || type == UInt32.self || type == Float.self
            || type == Int16.self || type == UInt16.self || type == Int8.self || type == UInt8.self
            || type == Bool.self
    }
}
