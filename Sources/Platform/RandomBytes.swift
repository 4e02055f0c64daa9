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

internal import CMultiprocessingPlatform
package import SystemPackage

/// `count` bytes from the kernel's cryptographically secure generator, in
/// one system call for up to 256 bytes (the standard library's
/// `SystemRandomNumberGenerator` makes one per 8 bytes).
///
/// The corresponding C function is `getrandom`.
package func secureRandomBytes(count: Int) throws(Errno) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
        let written = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(Errno) in
                try valueOrErrno { cmpp_getrandom(buffer.baseAddress! + filled, UInt(count - filled)) }
            }
        }
        filled += try written.get()
    }
    return bytes
}
