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

// The manager's wire protocol: one request frame (``ManagerRequest``), one
// reply frame (``ManagerReply``), on an authenticated ``Connection``. Keys,
// values and elements travel as the byte runs of their encoding
// (``MessageCoding``): the server stores and compares bytes and never
// decodes a user's type, so a peer can make it run nothing but this
// protocol. Fields are written with the `append` helpers of ByteFields.swift
// (integers big-endian, strings and byte runs as a u32 count then the bytes).

/// The kind of a named object on the server.
enum ManagedObjectKind: UInt8, Sendable {
    case dictionary = 1
    case list, queue

    var name: String {
        switch self {
        case .dictionary: "dictionary"
        case .list: "list"
        case .queue: "queue"
        }
    }
}

/// A time-out on the wire: nanoseconds, -1 for none.
enum WireTimeout {
    static func encode(_ timeout: Duration?) -> Int64 {
        guard let timeout else { return -1 }
        return Int64(clamping: timeout.clampedNanoseconds)
    }

    static func decode(_ nanoseconds: Int64) -> Deadline {
        nanoseconds < 0 ? .distantFuture : .after(.nanoseconds(nanoseconds))
    }
}
