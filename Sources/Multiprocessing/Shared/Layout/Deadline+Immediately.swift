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

internal import MultiprocessingPlatform

extension Deadline {
    /// The deadline of the "try" calls (`tryLock`, `tryAcquire`, `tryPut`,
    /// `tryGet`): already passed, so nothing waits.
    static let immediately = Deadline(nanoseconds: 0)
}
