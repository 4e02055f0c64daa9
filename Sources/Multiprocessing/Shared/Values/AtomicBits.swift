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

// Public only so that the lock-free paths are inlined into callers (a
// generic call per access costs ten times the atomic instruction).
public import Atomics

/// Lock-free access to a plain value of 1, 2, 4 or 8 bytes in shared memory,
/// through the unsigned integer of its size (`UnsafeAtomic` of swift-atomics).
///
/// The value's bytes travel unchanged: the atomics move bits, and a signed
/// integer's wrapping addition is the same bit operation as an unsigned one.
@usableFromInline
enum AtomicBits {
    /// Whether values of `T` can be accessed lock-free: their size is 1, 2, 4
    /// or 8 bytes with no padding after them (so consecutive elements stay aligned).
    @inlinable
    static func isLockFree<T>(_ type: T.Type) -> Bool {
        let size = MemoryLayout<T>.size
        return (size == 1 || size == 2 || size == 4 || size == 8) && MemoryLayout<T>.stride == size
    }

    @inlinable @inline(__always)
    static func load<T: BitwiseCopyable>(_ type: T.Type, at address: UnsafeMutableRawPointer) -> T {
        switch MemoryLayout<T>.size {
        case 1: value(of: atomic(UInt8.self, address).load(ordering: .acquiring), as: T.self)
        case 2: value(of: atomic(UInt16.self, address).load(ordering: .acquiring), as: T.self)
        case 4: value(of: atomic(UInt32.self, address).load(ordering: .acquiring), as: T.self)
        default: value(of: atomic(UInt64.self, address).load(ordering: .acquiring), as: T.self)
        }
    }

    @inlinable @inline(__always)
    static func store<T: BitwiseCopyable>(_ value: T, at address: UnsafeMutableRawPointer) {
        switch MemoryLayout<T>.size {
        case 1: atomic(UInt8.self, address).store(bits(of: value), ordering: .releasing)
        case 2: atomic(UInt16.self, address).store(bits(of: value), ordering: .releasing)
        case 4: atomic(UInt32.self, address).store(bits(of: value), ordering: .releasing)
        default: atomic(UInt64.self, address).store(bits(of: value), ordering: .releasing)
        }
    }

    /// Adds `delta` (wrapping around on overflow) and returns the new value.
    @inlinable @inline(__always)
    static func add<T: FixedWidthInteger & BitwiseCopyable>(_ delta: T, at address: UnsafeMutableRawPointer) -> T {
        switch MemoryLayout<T>.size {
        case 1:
            value(
                of: atomic(UInt8.self, address).wrappingIncrementThenLoad(
                    by: bits(of: delta), ordering: .acquiringAndReleasing), as: T.self)
        case 2:
            value(
                of: atomic(UInt16.self, address).wrappingIncrementThenLoad(
                    by: bits(of: delta), ordering: .acquiringAndReleasing), as: T.self)
        case 4:
            value(
                of: atomic(UInt32.self, address).wrappingIncrementThenLoad(
                    by: bits(of: delta), ordering: .acquiringAndReleasing), as: T.self)
        default:
            value(
                of: atomic(UInt64.self, address).wrappingIncrementThenLoad(
                    by: bits(of: delta), ordering: .acquiringAndReleasing), as: T.self)
        }
    }

    @inlinable @inline(__always)
    static func atomic<U: AtomicValue>(_ type: U.Type, _ address: UnsafeMutableRawPointer) -> UnsafeAtomic<U> {
        UnsafeAtomic(at: address.assumingMemoryBound(to: U.AtomicRepresentation.self))
    }

    @inlinable @inline(__always)
    static func bits<T: BitwiseCopyable, U: FixedWidthInteger>(of value: T) -> U {
        withUnsafeBytes(of: value) { $0.loadUnaligned(as: U.self) }
    }

    @inlinable @inline(__always)
    static func value<U: FixedWidthInteger, T: BitwiseCopyable>(of bits: U, as type: T.Type) -> T {
        withUnsafeBytes(of: bits) { $0.loadUnaligned(as: T.self) }
    }
}
