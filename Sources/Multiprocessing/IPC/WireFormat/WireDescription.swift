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

// A readable rendering of an encoded message, for logs and debugging: what a JSON
// debug format would give, without a second format or a Foundation dependency.

extension BinaryDecoder {
    /// Renders an encoded message as readable JSON-like text, for logs and debugging.
    ///
    /// Keyed containers print as `{"key": value}` (integer keys without quotes),
    /// unkeyed containers, packed arrays and byte blobs as `[...]`, `nil` as `null`,
    /// a wrapped optional as `some(...)`; integers, floats and strings as
    /// themselves. Byte blobs longer than 64 bytes and strings longer than 200
    /// characters are shortened. Malformed input is not an error: the text ends
    /// with `<malformed: reason>` where the problem starts.
    ///
    /// ```swift
    /// print(BinaryDecoder.describe(try BinaryEncoder().encode(message)))
    /// // {"id": 42, "name": "job-42", "values": [0.0, 1.5], "flag": true}
    /// ```
    package static func describe(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { buffer in
            guard buffer.first == WireFormat.header else {
                return "<malformed: not a binary wire format message (no header byte 0xb1)>"
            }
            let state = WireDecoderState(bytes: buffer, userInfo: [:])
            var output = ""
            do {
                let end = try state.describeValue(at: 1, end: buffer.count, depth: 0, into: &output)
                if end != buffer.count { output += " <malformed: \(buffer.count - end) trailing bytes>" }
            } catch let error as DecodingError {
                if case .dataCorrupted(let context) = error { output += "<malformed: \(context.debugDescription)>" }
            } catch {}
            return output
        }
    }
}

extension WireDecoderState {
    /// Appends the rendering of the value at `offset` to `output`; returns where it ends.
    func describeValue(at offset: Int, end: Int, depth: Int, into output: inout String) throws -> Int {
        guard depth < WireFormat.maximumDepth else {
            throw corrupt("Values nest more than \(WireFormat.maximumDepth) levels deep.")
        }
        let tag = try tag(at: offset, end: end)
        var cursor = offset + 1
        switch tag {
        case .null: output += "null"
        case .false: output += "false"
        case .true: output += "true"
        case .int: output += String(try readZigzag(at: &cursor, end: end))
        case .uint: output += String(try readVarint(at: &cursor, end: end))
        case .int128: output += String(try readLittleEndian(Int128.self, at: &cursor, end: end))
        case .uint128: output += String(try readLittleEndian(UInt128.self, at: &cursor, end: end))
        case .float32: output += "\(Float(bitPattern: try readLittleEndian(UInt32.self, at: &cursor, end: end)))"
        case .float64: output += "\(Double(bitPattern: try readLittleEndian(UInt64.self, at: &cursor, end: end)))"
        case .string:
            let range = try readVarintPrefixedRange(at: &cursor, end: end)
            guard let string = validUTF8String(range) else {
                throw corrupt("A string at byte \(offset) is not valid UTF-8.")
            }
            output +=
                string.count > 200 ? "\(String(reflecting: String(string.prefix(200))))…" : String(reflecting: string)
        case .bytes, .byteRun:
            let range =
                tag == .bytes
                ? try readVarintPrefixedRange(at: &cursor, end: end)
                : try readU32PrefixedRange(at: &cursor, end: end)
            describeBytes(range, into: &output)
        case .scalars:
            return try describeScalars(at: offset, end: end, into: &output)
        case .some:
            output += "some("
            cursor = try describeValue(at: cursor, end: end, depth: depth + 1, into: &output)
            output += ")"
        case .keyed:
            let entries = try readU32PrefixedRange(at: &cursor, end: end)
            output += "{"
            var entry = entries.lowerBound
            while entry < entries.upperBound {
                if entry > entries.lowerBound { output += ", " }
                switch try readKey(at: &entry, end: entries.upperBound) {
                case .int(let key): output += "\(key): "
                case .string(let range):
                    output += "\(String(reflecting: validUTF8String(range) ?? "<invalid UTF-8>")): "
                }
                entry = try describeValue(at: entry, end: entries.upperBound, depth: depth + 1, into: &output)
            }
            output += "}"
        case .unkeyed:
            let elements = try readU32PrefixedRange(at: &cursor, end: end)
            output += "["
            var element = elements.lowerBound
            while element < elements.upperBound {
                if element > elements.lowerBound { output += ", " }
                element = try describeValue(at: element, end: elements.upperBound, depth: depth + 1, into: &output)
            }
            output += "]"
        }
        return cursor
    }

    private func describeBytes(_ range: Range<Int>, into output: inout String) {
        let shown = bytes[range.prefix(64)].map(String.init).joined(separator: ", ")
        output += range.count > 64 ? "[\(shown), … (\(range.count) bytes)]" : "[\(shown)]"
    }

    private func describeScalars(at offset: Int, end: Int, into output: inout String) throws -> Int {
        let (kind, start, count) = try scalarsHeader(at: offset, end: end)
        let width = Self.scalarWidth(kind)
        var elements: [String] = []
        for index in 0..<min(count, 64) {
            let at = start + index * width
            let bits = (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
            let text =
                switch kind {
                case 1: String(Int8(truncatingIfNeeded: bits))
                case 2: String(Int16(truncatingIfNeeded: bits))
                case 3: String(Int32(truncatingIfNeeded: bits))
                case 4: String(Int64(bitPattern: bits))
                case 8: "\(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))"
                case 9: "\(Double(bitPattern: bits))"
                default: String(bits)
                }
            elements.append(text)
        }
        if count > 64 { elements.append("… (\(count) elements)") }
        output += "[" + elements.joined(separator: ", ") + "]"
        return start + count * width
    }
}
