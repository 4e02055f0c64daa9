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

/// What every proxy of a manager's object holds: the object's name and the
/// client of its server. Encoded, a proxy is the name, the server's address
/// and its key; decoded in another process, it finds (or makes) that
/// process's client of the server.
struct ProxyCore: Sendable, Codable {
    let name: String
    let client: ManagerClient

    private enum CodingKeys: String, CodingKey { case name, address, authKey }

    init(name: String, client: ManagerClient) {
        self.name = name
        self.client = client
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        client = ManagerClient.shared(
            address: try container.decode(ConnectionAddress.self, forKey: .address),
            authKey: try container.decodeIfPresent([UInt8].self, forKey: .authKey))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(client.address, forKey: .address)
        try container.encodeIfPresent(client.authKey, forKey: .authKey)
    }

    /// Performs `operation` on the object in one round trip; a reply that
    /// says it failed becomes its error, any other goes to `expect`.
    func call<R>(_ operation: ManagerRequest.Operation, _ expect: (ManagerReply) throws -> R?) throws -> R {
        let reply = try client.call(ManagerRequest(name: name, operation: operation))
        guard let result = try expect(reply) else { throw reply.unexpected(name: name) }
        return result
    }

    /// Performs `operation`, which answers `done`.
    func perform(_ operation: ManagerRequest.Operation) throws {
        try call(operation) { reply -> Void? in if case .done = reply { () } else { nil } }
    }

    /// The encoding of a key, value or element (at most 4 GiB: the
    /// protocol's byte runs have 32-bit counts).
    func encoded<T: Encodable>(_ value: T) throws(ManagerError) -> [UInt8] {
        var out: [UInt8] = []
        do {
            try MessageCoding.encode(value, appendingTo: &out)
        } catch {
            throw .encodingFailed(type: String(reflecting: T.self), description: String(describing: error))
        }
        guard out.count <= Int(UInt32.max) else {
            throw .encodingFailed(
                type: String(reflecting: T.self),
                description: "\(out.count) bytes; a manager holds values of at most 4 GiB")
        }
        return out
    }

    /// Decodes a key, value or element the server returned.
    func decoded<T: Decodable>(_: T.Type, _ bytes: [UInt8]) throws(ManagerError) -> T {
        do {
            return try bytes.withUnsafeBytes { try MessageCoding.decode(T.self, from: $0) }
        } catch {
            throw .decodingFailed(type: String(reflecting: T.self), description: String(describing: error))
        }
    }

    /// The message of a subscript that cannot throw and failed.
    func subscriptFailure(_ error: any Error, _ alternative: String) -> Never {
        preconditionFailure(
            "the subscript of the manager's object '\(name)' failed: \(error); use \(alternative) to handle errors")
    }
}
