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

internal import SystemPackage

/// What the framing layer reports about a byte stream that does not hold
/// whole, acceptable frames. ``Connection`` turns it into the matching
/// ``ConnectionError``; the process pool treats it as a worker's protocol
/// violation.
enum FrameError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not a frame header (a negative length other than the
    /// long form's marker, or a long form for a length the short form holds).
    case malformed(String)
    /// A header announced more bytes than the reader accepts.
    case tooLarge(size: Int, limit: Int)
    /// The stream ended inside a frame: inside its header (`expected` is
    /// `nil`, `received` counts header bytes) or inside its payload.
    case truncated(expected: Int?, received: Int)
    /// Reading the descriptor failed.
    case readFailed(Errno)

    var description: String {
        switch self {
        case let .malformed(reason): "malformed frame: \(reason)"
        case let .tooLarge(size, limit): "a frame announced \(size) bytes, the limit is \(limit)"
        case let .truncated(expected?, received): "the stream ended after \(received) of \(expected) payload bytes"
        case let .truncated(nil, received): "the stream ended after \(received) bytes of a frame header"
        case let .readFailed(errno): "recv failed: \(errno)"
        }
    }
}
