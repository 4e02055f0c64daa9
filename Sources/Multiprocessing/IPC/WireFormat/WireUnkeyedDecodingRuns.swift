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

// Reading the elements of a run (a byte run, or a `bytes` or `scalars` value read
// as an unkeyed container) one at a time.

/// One element of a run: its kind (0 for a byte, else a `scalars` kind) and bits.
struct WireRunElement {
    var kind: UInt8
    var bits: UInt64

    /// The element as the integer type `T`, or `nil` if it does not fit.
    func integer<T: FixedWidthInteger>(_: T.Type) -> T?? {
        switch kind {
        case 0, 5, 6, 7: T(exactly: bits)
        case 1: T(exactly: Int8(truncatingIfNeeded: bits))
        case 2: T(exactly: Int16(truncatingIfNeeded: bits))
        case 3: T(exactly: Int32(truncatingIfNeeded: bits))
        case 4: T(exactly: Int64(bitPattern: bits))
        default: .none  // a float: not an integer at all
        }
    }

    /// The element as a `Double`, or `nil` if it is an integer.
    var double: Double? {
        switch kind {
        case 8: Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case 9: Double(bitPattern: bits)
        default: nil
        }
    }

    /// The tag a value of this kind has outside a run, for error messages.
    var tag: WireTag { kind >= 8 ? .float64 : .int }
}

extension WireUnkeyedDecodingContainer {
    /// Whether the next element starts a byte run.
    var atByteRun: Bool {
        runRemaining == 0 && cursor < end && end <= state.bytes.count
            && state.bytes[cursor] == WireTag.byteRun.rawValue
    }

    /// Enters the byte run at the cursor, if there is one and no run is current.
    private mutating func enterByteRun() throws {
        guard atByteRun else { return }
        var runStart = cursor + 1
        let run = try state.readU32PrefixedRange(at: &runStart, end: end)
        guard !run.isEmpty else { throw state.corrupt("An empty byte run at byte \(cursor).", suffix, indexKey) }
        (cursor, runRemaining, runKind) = (run.lowerBound, run.count, 0)
    }

    /// Takes the next run element, or returns `nil` when no run is current.
    private mutating func takeRunElement() throws -> WireRunElement? {
        try enterByteRun()
        guard runRemaining > 0 else { return nil }
        let width = runKind == 0 ? 1 : WireDecoderState.scalarWidth(runKind)
        guard end <= state.bytes.count, end - cursor >= width else {
            throw state.corrupt("A decoding container was used after decoding finished.", suffix, indexKey)
        }
        var bits: UInt64 = 0
        for index in 0..<width { bits |= UInt64(state.bytes[cursor + index]) << (8 * UInt64(index)) }
        runRemaining -= 1
        advance(to: cursor + width)
        return WireRunElement(kind: runKind, bits: bits)
    }

    /// The next run element as `T`, or `nil` when no run is current.
    mutating func runInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T? {
        guard let element = try takeRunElement() else { return nil }
        switch element.integer(T.self) {
        case .some(.some(let value)): return value
        case .some(.none):
            throw state.corrupt(
                "An element of a packed array does not fit in \(T.self).",
                suffix, WireIndexKey(intValue: currentIndex - 1))
        case .none:
            throw state.mismatch(type, found: element.tag, suffix, WireIndexKey(intValue: currentIndex - 1))
        }
    }

    /// The next run element as a floating-point `T`, or `nil` when no run is current.
    mutating func runFloat<T: BinaryFloatingPoint>(_ type: T.Type) throws -> T? {
        guard let element = try takeRunElement() else { return nil }
        let path = WireIndexKey(intValue: currentIndex - 1)
        guard let double = element.double else { throw state.mismatch(type, found: element.tag, suffix, path) }
        guard T.self == Double.self || element.kind == 8 || double.isNaN || Double(Float(double)) == double else {
            throw state.corrupt("The number \(double) does not fit in \(T.self).", suffix, path)
        }
        return T(double)
    }

    /// The next run element decoded as any `T`: numbers directly, other types
    /// (`Int?`, a wrapper around an `Int`...) through `init(from:)` with a decoder
    /// whose single-value container holds the element.
    @inline(never)
    mutating func runElement<T: Decodable>(_ type: T.Type) throws -> T {
        func cast<N>(_ value: N?) throws -> T {
            guard let value else { throw state.mismatch(type, found: .byteRun, suffix, indexKey) }
            return unsafeBitCast(value, to: T.self)
        }
        if T.self == UInt8.self { return try cast(try runInteger(UInt8.self)) }
        if T.self == Int.self { return try cast(try runInteger(Int.self)) }
        if T.self == Double.self { return try cast(try runFloat(Double.self)) }
        let saved = (cursor, runRemaining, runKind, currentIndex)
        guard let element = try takeRunElement() else { throw state.mismatch(type, found: .byteRun, suffix, indexKey) }
        do {
            return try T(
                from: WireRunElementDecoder(
                    state: state, element: element,
                    codingPath: state.path(suffix, WireIndexKey(intValue: saved.3))))
        } catch {
            (cursor, runRemaining, runKind, currentIndex) = saved
            throw error
        }
    }
}

/// The decoder, and single-value container, of one run element.
struct WireRunElementDecoder: Decoder, WireSingleValueIntegerDecoding {
    let state: WireDecoderState
    let element: WireRunElement
    let codingPath: [any CodingKey]

    var userInfo: [CodingUserInfoKey: Any] { state.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw mismatch([String: Any].self)
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw mismatch([Any].self) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    private func mismatch<T>(_ type: T.Type) -> DecodingError {
        .typeMismatch(
            type,
            .init(
                codingPath: codingPath,
                debugDescription: "Expected to decode \(type) but found \(element.tag.noun) instead."))
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        switch element.integer(type) {
        case .some(.some(let value)): return value
        case .some(.none):
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath, debugDescription: "An element of a packed array does not fit in \(T.self).")
            )
        case .none: throw mismatch(type)
        }
    }

    func decodeNil() -> Bool { false }
    func decode(_ type: Bool.Type) throws -> Bool { throw mismatch(type) }
    func decode(_ type: String.Type) throws -> String { throw mismatch(type) }
    func decode(_ type: Double.Type) throws -> Double {
        guard let double = element.double else { throw mismatch(type) }
        return double
    }
    func decode(_ type: Float.Type) throws -> Float {
        guard let double = element.double else { throw mismatch(type) }
        guard element.kind == 8 || double.isNaN || Double(Float(double)) == double else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "The number \(double) does not fit in Float."))
        }
        return Float(double)
    }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}
