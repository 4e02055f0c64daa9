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

package import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Maps `size` bytes of the file `fd` from offset 0, readable, writable and
/// shared with every other process that maps the same file.
///
/// The corresponding C function is `mmap(PROT_READ | PROT_WRITE, MAP_SHARED)`.
package func mapShared(_ fd: Int32, size: Int) throws(Errno) -> UnsafeMutableRawPointer {
    precondition(size > 0, "a mapping needs at least one byte")
    // MAP_FAILED is (void *)-1: as an integer it is the -1 the funnel expects.
    let address = try valueOrErrno {
        Int(bitPattern: mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0))
    }
    return UnsafeMutableRawPointer(bitPattern: address)!
}

/// Maps `size` bytes of the file `fd` from offset 0, read-only and private
/// (a file's contents to read in place, such as an executable's).
///
/// The corresponding C function is `mmap(PROT_READ, MAP_PRIVATE)`.
package func mapReadOnly(_ fd: Int32, size: Int) throws(Errno) -> UnsafeRawPointer {
    precondition(size > 0, "a mapping needs at least one byte")
    let address = try valueOrErrno { Int(bitPattern: mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)) }
    return UnsafeRawPointer(bitPattern: address)!
}

/// Removes a mapping made by ``mapShared(_:size:)`` or ``mapReadOnly(_:size:)``. Failure means the
/// package lost track of a mapping: a programmer error, so it traps.
///
/// The corresponding C function is `munmap`.
package func unmap(_ address: UnsafeRawPointer, size: Int) {
    if munmap(UnsafeMutableRawPointer(mutating: address), size) != 0 {
        preconditionFailure("munmap failed: \(Errno(rawValue: errno))")
    }
}

/// The address ranges this process has mapped, of any kind (its executable,
/// libraries, heap, stacks, mappings), as `/proc/self/maps` lists them.
///
/// The corresponding C functions are `open("/proc/self/maps")` and `read`.
package func mappedAddressRanges() throws(Errno) -> [Range<UInt>] {
    let text = String(decoding: try readFile(atPath: "/proc/self/maps", maximumCount: 64 << 20), as: UTF8.self)
    return text.split(separator: "\n").compactMap { line in
        let bounds = line.prefix { $0 != " " }.split(separator: "-")
        guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
            start < end
        else { return nil }
        return start..<end
    }
}
