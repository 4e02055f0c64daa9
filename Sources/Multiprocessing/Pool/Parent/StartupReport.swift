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

internal import Threading

/// How the I/O thread tells `ProcessPool.init` that the first workers started.
final class StartupReport: Sendable {
    private let parker = ThreadParker()
    private let error = LockedState<ProcessPoolError?>(nil)

    func finish(_ failure: ProcessPoolError?) {
        error.withLock { $0 = failure }
        parker.unpark()
    }

    func wait() -> ProcessPoolError? {
        _ = parker.park()
        return error.withLock { $0 }
    }
}
