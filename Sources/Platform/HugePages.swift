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

#if canImport(Glibc)
    import Glibc
#endif

/// Asks the kernel to back the whole 2 MiB pages inside `buffer` with
/// transparent huge pages, for a large buffer about to be filled: one page
/// fault per 2 MiB instead of one per 4 KiB, which is most of the cost of
/// receiving a message of gigabytes into fresh memory. Advice only: a kernel
/// without transparent huge pages (or with them disabled) ignores it, and so
/// does this function (`EINVAL` is not an error).
///
/// The corresponding C function is `madvise(MADV_HUGEPAGE)`.
package func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress else { return }
    let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
    let start = (UInt(bitPattern: base) + page - 1) / page * page
    let end = (UInt(bitPattern: base) + UInt(buffer.count)) / page * page
    guard end > start else { return }
    _ = madvise(UnsafeMutableRawPointer(bitPattern: start), Int(end - start), MADV_HUGEPAGE)
}
