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

/// What a client asks a manager's server, about the object named `name`.
///
/// Layout: operation:u8 name:string, then the case's fields in order
/// (keys, values and elements as byte runs; `timeout` in nanoseconds, -1
/// for none; optional values behind a presence byte).
struct ManagerRequest: Sendable {
    enum Operation: Sendable {
        case hello
        case declare(kind: ManagedObjectKind, signature: String, maxSize: UInt64)
        case shutdown
        case dictionaryGet(key: [UInt8])
        case dictionarySet(key: [UInt8], value: [UInt8])
        case dictionaryRemove(key: [UInt8])
        case dictionaryCount
        case dictionaryItems
        case dictionaryCompareAndSet(key: [UInt8], expectedVersion: UInt64, value: [UInt8]?)
        case listAppend(value: [UInt8])
        case listGet(index: UInt64)
        case listSet(index: UInt64, value: [UInt8])
        case listRemove(index: UInt64)
        case listCount
        case listItems
        case queuePut(timeout: Int64, value: [UInt8])
        case queueGet(timeout: Int64)
        case queueGetMany(count: UInt32, timeout: Int64)
        case queueCount
        case queueShutdown(immediate: Bool)
    }

    var name: String
    var operation: Operation

    /// Appends the request (the payload of one frame).
    func write(to out: inout [UInt8]) {
        out.append(code)
        out.appendString(name)
        switch operation {
        case .hello, .shutdown, .dictionaryCount, .dictionaryItems, .listCount, .listItems, .queueCount:
            break
        case let .declare(kind, signature, maxSize):
            out.append(kind.rawValue)
            out.appendString(signature)
            out.appendInteger(maxSize)
        case let .dictionaryGet(key), let .dictionaryRemove(key):
            out.appendBytes(key)
        case let .dictionarySet(key, value):
            out.appendBytes(key)
            out.appendBytes(value)
        case let .dictionaryCompareAndSet(key, expected, value):
            out.appendBytes(key)
            out.appendInteger(expected)
            out.appendOptionalBytes(value)
        case let .listAppend(value):
            out.appendBytes(value)
        case let .listGet(index), let .listRemove(index):
            out.appendInteger(index)
        case let .listSet(index, value):
            out.appendInteger(index)
            out.appendBytes(value)
        case let .queuePut(timeout, value):
            out.appendInteger(timeout)
            out.appendBytes(value)
        case let .queueGet(timeout):
            out.appendInteger(timeout)
        case let .queueGetMany(count, timeout):
            out.appendInteger(count)
            out.appendInteger(timeout)
        case let .queueShutdown(immediate):
            out.append(immediate ? 1 : 0)
        }
    }

    /// Reads a request from a frame's payload.
    static func read(from frame: UnsafeRawBufferPointer) throws(MalformedMessage) -> ManagerRequest {
        var cursor = ByteCursor(frame)
        let code = try cursor.integer(UInt8.self)
        let name = try cursor.string()
        let operation: Operation
        switch code {
        case 1: operation = .hello
        case 2:
            guard let kind = ManagedObjectKind(rawValue: try cursor.integer()) else {
                throw MalformedMessage(description: "an unknown object kind")
            }
            operation = .declare(kind: kind, signature: try cursor.string(), maxSize: try cursor.integer())
        case 3: operation = .shutdown
        case 10: operation = .dictionaryGet(key: Array(try cursor.byteRun()))
        case 11: operation = .dictionarySet(key: Array(try cursor.byteRun()), value: Array(try cursor.byteRun()))
        case 12: operation = .dictionaryRemove(key: Array(try cursor.byteRun()))
        case 13: operation = .dictionaryCount
        case 14: operation = .dictionaryItems
        case 15:
            operation = .dictionaryCompareAndSet(
                key: Array(try cursor.byteRun()), expectedVersion: try cursor.integer(),
                value: try cursor.optionalByteRun())
        case 20: operation = .listAppend(value: Array(try cursor.byteRun()))
        case 21: operation = .listGet(index: try cursor.integer())
        case 22: operation = .listSet(index: try cursor.integer(), value: Array(try cursor.byteRun()))
        case 23: operation = .listRemove(index: try cursor.integer())
        case 24: operation = .listCount
        case 25: operation = .listItems
        case 30: operation = .queuePut(timeout: try cursor.integer(), value: Array(try cursor.byteRun()))
        case 31: operation = .queueGet(timeout: try cursor.integer())
        case 32: operation = .queueGetMany(count: try cursor.integer(), timeout: try cursor.integer())
        case 33: operation = .queueCount
        case 34: operation = .queueShutdown(immediate: try cursor.integer(UInt8.self) != 0)
        default: throw MalformedMessage(description: "an unknown operation \(code)")
        }
        guard cursor.remaining == 0 else {
            throw MalformedMessage(description: "\(cursor.remaining) bytes after the request")
        }
        return ManagerRequest(name: name, operation: operation)
    }

    private var code: UInt8 {
        switch operation {
        case .hello: 1
        case .declare: 2
        case .shutdown: 3
        case .dictionaryGet: 10
        case .dictionarySet: 11
        case .dictionaryRemove: 12
        case .dictionaryCount: 13
        case .dictionaryItems: 14
        case .dictionaryCompareAndSet: 15
        case .listAppend: 20
        case .listGet: 21
        case .listSet: 22
        case .listRemove: 23
        case .listCount: 24
        case .listItems: 25
        case .queuePut: 30
        case .queueGet: 31
        case .queueGetMany: 32
        case .queueCount: 33
        case .queueShutdown: 34
        }
    }
}
