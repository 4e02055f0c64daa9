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

#if Postgres
    import Multiprocessing

    /// A failure as stored in a job's `error` column, and how a submitter turns
    /// it back into the error its future throws.
    ///
    /// A job's own error travels back as itself when its type is `Codable` and
    /// can be named across executables (``JobTypeNames``): it is stored as its
    /// type's name and its JSON, and re-created where this executable has the
    /// type. Any other error travels as a `RemoteError` (type name and
    /// description), and the queue's own failures as a ``PostgresJobQueueError``.
    /// The same rule as a `ProcessPool`'s, in JSON instead of the wire format.
    struct StoredFailure: Codable, Sendable {
        /// `thrown` (the job's own Codable error), `remote` (any other error of
        /// the job), or a ``PostgresJobQueueError/Code``'s raw value.
        var code: String
        /// The error's description (`String(describing:)`), or the queue's message.
        var message: String
        /// The error type as Swift writes it, for `thrown` and `remote`.
        var typeName: String?
        /// The error type's cross-executable name, for `thrown`.
        var errorType: String?
        /// The error's JSON, for `thrown`.
        var value: String?

        static let thrown = "thrown", remote = "remote"

        /// How `error`, thrown by a job, is stored.
        static func capture(_ error: any Error) -> StoredFailure {
            let type = type(of: error)
            let typeName = String(reflecting: type)
            let description = String(describing: error)
            if let encodable = error as? any Encodable, type is any Decodable.Type,
                let name = JobTypeNames.crossExecutableName(of: type),
                let value = try? JSONCoding.encode(any: encodable)
            {
                return StoredFailure(
                    code: thrown, message: description, typeName: typeName, errorType: name, value: value)
            }
            return StoredFailure(code: remote, message: description, typeName: typeName)
        }

        /// A failure of the queue's own.
        init(_ code: PostgresJobQueueError.Code, _ message: String) {
            self.init(code: code.rawValue, message: message)
        }

        init(code: String, message: String, typeName: String? = nil, errorType: String? = nil, value: String? = nil) {
            self.code = code
            self.message = message
            self.typeName = typeName
            self.errorType = errorType
            self.value = value
        }

        /// The error a submitter sees for this failure of job `id`.
        func recreate(jobID id: Int64) -> any Error {
            switch code {
            case Self.thrown:
                if let errorType, let value,
                    let type = JobTypeNames.type(crossExecutableName: errorType) as? any (Error & Decodable).Type,
                    let error = try? Self.decode(type, from: value)
                {
                    return error
                }
                return RemoteError(typeName: typeName ?? "?", description: message)
            case Self.remote:
                return RemoteError(typeName: typeName ?? "?", description: message)
            default:
                return PostgresJobQueueError(PostgresJobQueueError.Code(rawValue: code), message, jobID: id)
            }
        }

        /// Reads a stored failure; a column no version of this library wrote
        /// still becomes an error that says what it held.
        static func read(_ json: String?, jobID id: Int64) -> any Error {
            guard let json else {
                return PostgresJobQueueError(.payloadUndecodable, "the job failed without a recorded error", jobID: id)
            }
            guard let failure = try? JSONCoding.decode(StoredFailure.self, from: json) else {
                return PostgresJobQueueError(
                    .payloadUndecodable, "unreadable error record: \(json.prefix(500))", jobID: id)
            }
            return failure.recreate(jobID: id)
        }

        private static func decode<E: Error & Decodable>(_ type: E.Type, from json: String) throws -> any Error {
            try JSONCoding.decode(E.self, from: json)
        }
    }
#endif
