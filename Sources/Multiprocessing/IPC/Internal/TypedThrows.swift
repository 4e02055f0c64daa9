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

// The standard library's buffer accessors are `rethrows`, which erases a typed
// error to `any Error`; these forward a closure's typed error unchanged (the
// cast cannot fail: a `rethrows` function throws only what its closure throws).

extension Array {
    @usableFromInline @inline(__always)
    func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        do { return try withUnsafeBytes(body) } catch { throw error as! E }
    }

    @inline(__always)
    mutating func withMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        do { return try withUnsafeMutableBytes(body) } catch { throw error as! E }
    }
}
