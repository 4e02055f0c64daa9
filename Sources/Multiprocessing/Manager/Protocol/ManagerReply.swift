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

/// What a manager's server answers to a ``ManagerRequest``.
///
/// Layout: kind:u8, then the case's fields in order (byte runs and
/// optional runs as in requests; lists as a u32 count, then the items).
enum ManagerReply: Sendable {
    /// Done; nothing to return.
    case done
    /// The server's process ID (`hello`).
    case processID(Int32)
    /// A dictionary entry: its version and value, or `nil` when the key is
    /// absent (version 0).
    case entry(version: UInt64, value: [UInt8]?)
    /// A count.
    case count(UInt64)
    /// One value.
    case value([UInt8])
    /// Several values, in order.
    case values([[UInt8]])
    /// Key and value pairs.
    case pairs([([UInt8], [UInt8])])
    /// A compare-and-set found another version: the entry as it is now.
    case conflict(version: UInt64, value: [UInt8]?)

    // Failures
    case noSuchObject
    case typeMismatch(existing: String, requested: String)
    case indexOutOfRange(index: UInt64, count: UInt64)
    case queueEmpty
    case queueFull
    case queueShutDown
    case malformedRequest(String)

    /// Appends the reply (the payload of one frame).
    func write(to out: inout [UInt8]) {
        switch self {
        case .done: out.append(0)
        case let .processID(pid):
            out.append(1)
            out.appendInteger(pid)
        case let .entry(version, value):
            out.append(2)
            out.appendInteger(version)
            out.appendOptionalBytes(value)
        case let .count(count):
            out.append(3)
            out.appendInteger(count)
        case let .value(value):
            out.append(4)
            out.appendBytes(value)
        case let .values(values):
            out.append(5)
            out.appendInteger(UInt32(values.count))
            for value in values { out.appendBytes(value) }
        case let .pairs(pairs):
            out.append(6)
            out.appendInteger(UInt32(pairs.count))
            for (key, value) in pairs {
                out.appendBytes(key)
                out.appendBytes(value)
            }
        case let .conflict(version, value):
            out.append(7)
            out.appendInteger(version)
            out.appendOptionalBytes(value)
        case .noSuchObject: out.append(20)
        case let .typeMismatch(existing, requested):
            out.append(21)
            out.appendString(existing)
            out.appendString(requested)
        case let .indexOutOfRange(index, count):
            out.append(22)
            out.appendInteger(index)
            out.appendInteger(count)
        case .queueEmpty: out.append(23)
        case .queueFull: out.append(24)
        case .queueShutDown: out.append(25)
        case let .malformedRequest(reason):
            out.append(26)
            out.appendString(reason)
        }
    }

    /// Reads a reply from a frame's payload.
    static func read(from frame: UnsafeRawBufferPointer) throws(MalformedMessage) -> ManagerReply {
        var cursor = ByteCursor(frame)
        let reply: ManagerReply
        switch try cursor.integer(UInt8.self) {
        case 0: reply = .done
        case 1: reply = .processID(try cursor.integer())
        case 2: reply = .entry(version: try cursor.integer(), value: try cursor.optionalByteRun())
        case 3: reply = .count(try cursor.integer())
        case 4: reply = .value(Array(try cursor.byteRun()))
        case 5:
            let count = Int(try cursor.integer(UInt32.self))
            var values: [[UInt8]] = []
            values.reserveCapacity(Swift.min(count, cursor.remaining / 4))
            for _ in 0..<count { values.append(Array(try cursor.byteRun())) }
            reply = .values(values)
        case 6:
            let count = Int(try cursor.integer(UInt32.self))
            var pairs: [([UInt8], [UInt8])] = []
            pairs.reserveCapacity(Swift.min(count, cursor.remaining / 8))
            for _ in 0..<count { pairs.append((Array(try cursor.byteRun()), Array(try cursor.byteRun()))) }
            reply = .pairs(pairs)
        case 7: reply = .conflict(version: try cursor.integer(), value: try cursor.optionalByteRun())
        case 20: reply = .noSuchObject
        case 21: reply = .typeMismatch(existing: try cursor.string(), requested: try cursor.string())
        case 22: reply = .indexOutOfRange(index: try cursor.integer(), count: try cursor.integer())
        case 23: reply = .queueEmpty
        case 24: reply = .queueFull
        case 25: reply = .queueShutDown
        case 26: reply = .malformedRequest(try cursor.string())
        case let kind: throw MalformedMessage(description: "an unknown reply kind \(kind)")
        }
        guard cursor.remaining == 0 else {
            throw MalformedMessage(description: "\(cursor.remaining) bytes after the reply")
        }
        return reply
    }
}
