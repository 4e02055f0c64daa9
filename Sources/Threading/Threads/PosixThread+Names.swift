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

internal import CThreading

extension PosixThread {
    /// Sets the calling thread's name as the system sees it, cut to the
    /// kernel's 15 bytes on a character boundary.
    /// The corresponding C function is `pthread_setname_np`.
    package static func setCurrentName(_ name: String) {
        setCurrentName(systemName(name))
    }

    /// `name` as the kernel keeps it: at most 15 bytes of UTF-8, cut on a
    /// character boundary, NUL-terminated. Prepared ahead of time by code
    /// that must do as little as possible when it sets the name (a forked child).
    package static func systemName(_ name: String) -> [CChar] {
        var bytes = Array(name.utf8.prefix(15))
        while !bytes.isEmpty, String(validating: bytes, as: UTF8.self) == nil {
            bytes.removeLast()
        }
        bytes.append(0)
        return bytes.map { CChar(bitPattern: $0) }
    }

    /// Sets the calling thread's name from ``systemName(_:)``'s result; no
    /// allocation, no lock. The corresponding C function is `pthread_setname_np`.
    package static func setCurrentName(_ systemName: [CChar]) {
        systemName.withUnsafeBufferPointer { _ = cth_set_current_thread_name($0.baseAddress!) }
    }

    /// The calling thread's name as the system sees it.
    /// The corresponding C function is `pthread_getname_np`.
    public static var currentSystemName: String {
        var buffer = [CChar](repeating: 0, count: 16)
        let rc = cth_get_current_thread_name(&buffer, buffer.count)
        guard rc == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
