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

// `import Multiprocessing` is enough to use threads and thread pools too.
//
// The C library is not re-exported: a program that calls `getpid()`, names
// `pid_t` or sends `SIGTERM` by number imports Glibc itself, as it would
// with swift-system or swift-subprocess. This package's own API spells
// signals as ``Signal`` and process ids as `Int32` (`pid_t`).
@_exported public import Threading
