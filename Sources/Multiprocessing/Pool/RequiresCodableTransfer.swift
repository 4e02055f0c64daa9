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

/// A marker that once kept a type of numbers and `Bool`s travelling through
/// its `Codable` conformance. It has no effect now: every type travels
/// through its conformance unless it conforms to ``BitwiseTransferable``.
@available(
    *, deprecated,
    message:
        "Every type now travels through its Codable conformance unless it conforms to BitwiseTransferable; remove this conformance."
)
public protocol RequiresCodableTransfer {}
