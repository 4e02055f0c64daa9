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

// An error thrown by a job travels back as itself when its type is Codable:
// the worker sends the type's mangled name and the encoded value, and the
// pool -- the same executable -- finds the type (PortableTypeName) and decodes
// it. Anything else becomes a `RemoteError` with the type name and description.

enum ErrorTransport {
    /// How `error`, thrown by a job in a worker, travels back (its shared
    /// objects attach their descriptors to `descriptors`).
    static func capture(_ error: any Error, descriptors: OutgoingDescriptors? = nil) -> WorkerFailure {
        let type = type(of: error)
        let typeName = String(reflecting: type)
        let description = String(describing: error)
        if let encodable = error as? any Encodable,
            type is any Decodable.Type,
            let mangled = PortableTypeName.of(type),
            let value = try? encodeValue(encodable, descriptors: descriptors)
        {
            return .thrown(mangledTypeName: mangled, typeName: typeName, description: description, value: value)
        }
        return .remote(RemoteError(typeName: typeName, description: description))
    }

    /// The error a caller sees for a failure a worker reported for `job`
    /// (its shared objects take their descriptors from `descriptors`).
    static func recreate(
        _ failure: WorkerFailure, job: JobDescription,
        descriptors: IncomingDescriptors? = nil
    ) -> any Error {
        switch failure {
        case let .thrown(mangled, typeName, description, value):
            if let type = PortableTypeName.type(named: mangled) as? any (Error & Decodable).Type,
                let error = try? decodeError(type, from: value, descriptors: descriptors)
            {
                return error
            }
            return RemoteError(typeName: typeName, description: description)
        case let .remote(error):
            return error
        case .jobTypeNotFound:
            return ProcessPoolError.jobTypeNotFound(job.typeName)  // readable, unlike the mangled name sent
        case let .jobDecodingFailed(typeName, description):
            return ProcessPoolError.jobDecodingFailed(typeName: typeName, description: description)
        case let .outputEncodingFailed(typeName, description):
            return ProcessPoolError.outputEncodingFailed(typeName: typeName, description: description)
        }
    }

    private static func encodeValue(_ value: any Encodable, descriptors: OutgoingDescriptors?) throws -> [UInt8] {
        func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
            var out: [UInt8] = []
            try MessageCoding.encode(value, appendingTo: &out, descriptors: descriptors)
            return out
        }
        return try encode(value)
    }

    private static func decodeError<E: Error & Decodable>(
        _ type: E.Type, from bytes: [UInt8], descriptors: IncomingDescriptors?
    ) throws -> any Error {
        try bytes.withUnsafeBytes { try MessageCoding.decode(E.self, from: $0, descriptors: descriptors) }
    }
}
