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
    #if canImport(FoundationEssentials)
        import FoundationEssentials
    #else
        import Foundation
    #endif

    /// How jobs, outputs and errors are stored: JSON (`json` columns).
    ///
    /// Not the package's binary wire format, on purpose: that format is private
    /// to the processes of one executable and may change with any release, while
    /// a stored job may wait for hours and be run by a worker built from a newer
    /// (or older) release of the same program. JSON is stable, readable with
    /// `psql` (`payload->>'width'`), and what operators of every other job queue
    /// expect. Infinite and NaN floating-point values are spelled as strings, so
    /// every `Double` a `ProcessPool` carries is carried here too.
    enum JSONCoding {
        private static let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            return encoder
        }()

        private static let decoder: JSONDecoder = {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(
                positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            return decoder
        }()

        static func encode<T: Encodable>(_ value: T) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }

        static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
            try decoder.decode(T.self, from: Data(text.utf8))
        }

        /// Encodes a value whose type is known only at run time.
        static func encode(any value: any Encodable) throws -> String {
            try encode(value)
        }
    }
#endif
