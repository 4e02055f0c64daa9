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

/// What a worker codes a task with: the descriptors that came with the
/// task's frame, for decoding its jobs (their shared objects), and the
/// collector of its result's descriptors, for encoding the outputs and a
/// thrown error.
struct TaskCoding {
    /// The descriptors of the task's frame, if any came.
    var incoming: IncomingDescriptors?
    /// The collector of the result's descriptors, if one is given.
    var outgoing: OutgoingDescriptors?
}
