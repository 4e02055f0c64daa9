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

/// Why a job failed inside a worker, as it travels back to the pool.
///
/// Layout: kind:u8, then
///   0 thrown       mangledType:string typeName:string description:string value:bytes
///   1 remote       typeName:string description:string
///   2 typeMissing  typeName:string
///   3 badJob       typeName:string description:string
///   4 badOutput    typeName:string description:string
enum WorkerFailure: Sendable {
    /// The job threw an error of a `Codable` type; `value` is its encoding.
    case thrown(mangledTypeName: String, typeName: String, description: String, value: [UInt8])
    /// The job threw an error that could not travel as itself.
    case remote(RemoteError)
    case jobTypeNotFound(String)
    case jobDecodingFailed(typeName: String, description: String)
    case outputEncodingFailed(typeName: String, description: String)

    func write(to out: inout [UInt8]) {
        switch self {
        case let .thrown(mangled, typeName, description, value):
            out.append(0)
            out.appendString(mangled)
            out.appendString(typeName)
            out.appendString(description)
            value.withUnsafeBytes { out.appendBytes($0) }
        case let .remote(error):
            out.append(1)
            out.appendString(error.typeName)
            out.appendString(error.description)
        case let .jobTypeNotFound(name):
            out.append(2)
            out.appendString(name)
        case let .jobDecodingFailed(typeName, description):
            out.append(3)
            out.appendString(typeName)
            out.appendString(description)
        case let .outputEncodingFailed(typeName, description):
            out.append(4)
            out.appendString(typeName)
            out.appendString(description)
        }
    }

    static func read(from cursor: inout ByteCursor) throws(MalformedMessage) -> WorkerFailure {
        switch try cursor.integer(UInt8.self) {
        case 0:
            let mangled = try cursor.string()
            let typeName = try cursor.string()
            let description = try cursor.string()
            return .thrown(
                mangledTypeName: mangled, typeName: typeName, description: description,
                value: Array(try cursor.byteRun()))
        case 1:
            return .remote(RemoteError(typeName: try cursor.string(), description: try cursor.string()))
        case 2:
            return .jobTypeNotFound(try cursor.string())
        case 3:
            return .jobDecodingFailed(typeName: try cursor.string(), description: try cursor.string())
        case 4:
            return .outputEncodingFailed(typeName: try cursor.string(), description: try cursor.string())
        case let kind:
            throw MalformedMessage(description: "unknown failure kind \(kind)")
        }
    }
}
