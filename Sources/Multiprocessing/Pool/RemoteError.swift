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

/// An error a job threw in a worker process whose type could not travel back
/// as itself, because it is not `Codable` (or failed to encode or decode).
///
/// It carries what can always be carried: the error's type name and its
/// description, so `print(error)` shows the same text the worker would have.
///
/// ```swift
/// do {
///     _ = try await pool.run(job)
/// } catch let error as RemoteError {
///     print(error.typeName, error.description)
/// }
/// ```
///
/// An error type that conforms to `Codable` never arrives as a `RemoteError`:
/// it is re-created as itself, so `catch let error as MyError` works across
/// the process boundary.
public struct RemoteError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    /// The fully qualified name of the error's type in the worker
    /// (`String(reflecting: type(of: error))`), such as `MyApp.ParseError`.
    public let typeName: String
    /// The error's description in the worker (`String(describing: error)`).
    public let description: String

    /// Creates a remote error from a type name and a description.
    public init(typeName: String, description: String) {
        self.typeName = typeName
        self.description = description
    }
}
