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
import SystemPackage
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("System calls")
struct SystemCallTests {
    @Test func retriesOnlyOnInterrupt() throws {
        var calls = 0
        let value = try valueOrErrno { () -> Int32 in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 5
        }
        #expect(value == 5 && calls == 3)
        #expect(throws: Errno.badFileDescriptor) {
            try valueOrErrno { () -> Int32 in
                errno = EBADF
                return -1
            }
        }
        #expect(throws: Errno.interrupted) {
            try valueOrErrno(retryOnInterrupt: false) { () -> Int32 in
                errno = EINTR
                return -1
            }
        }
    }
}
