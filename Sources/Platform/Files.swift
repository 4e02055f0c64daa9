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

/// The bytes of the file at `path`, at most `maximumCount` of them (fewer if
/// the file is shorter): a `/proc` or `/sys` file, or a file's header.
///
/// The corresponding C functions are `open(O_RDONLY | O_CLOEXEC)` and `read`
/// (short reads continued until end-of-file or `maximumCount`).
package func readFile(atPath path: String, maximumCount: Int) throws(Errno) -> [UInt8] {
    let fd = try valueOrErrno { open(path, O_RDONLY | O_CLOEXEC) }
    defer { closeDescriptor(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: min(maximumCount, 4096))
    while bytes.count < maximumCount {
        let wanted = min(maximumCount - bytes.count, chunk.count)
        let count = try valueOrErrno { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, wanted) } }
        if count == 0 { break }
        bytes += chunk[..<count]
    }
    return bytes
}
