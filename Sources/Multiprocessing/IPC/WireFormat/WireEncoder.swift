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

// The `Encoder` handed to `encode(to:)`, and its single-value container.

/// An encoder for one value slot of a `BinaryEncoder` run.
struct WireEncoder: Encoder {
    let state: WireEncoderState
    let ref: WireFrameRef

    var codingPath: [any CodingKey] { state.codingPath(of: ref) }
    var userInfo: [CodingUserInfoKey: Any] { state.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        state.keyedContainer(Key.self, ref: open(.keyed))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        WireUnkeyedEncodingContainer(state: state, ref: open(.unkeyed))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        WireSingleValueEncodingContainer(state: state, ref: ref)
    }

    /// Turns the slot into a container of `kind`, or records why it cannot and
    /// returns a reference every write through which throws.
    @inline(__always)
    private func open(_ kind: WireEncoderState.Kind) -> WireFrameRef {
        state.openTopSlot(ref, as: kind) ? ref : openInGeneral(kind)
    }

    @inline(never)
    private func openInGeneral(_ kind: WireEncoderState.Kind) -> WireFrameRef {
        do {
            try state.beginWrite(ref)
        } catch let error as EncodingError {
            state.deferFailure(error)
            return WireFrameRef(index: ref.index, id: 0)
        } catch {
            return WireFrameRef(index: ref.index, id: 0)
        }
        guard state.convertSlot(ref, to: kind) else {
            state.deferFailure(
                state.misuseError(
                    ref,
                    "A \(kind == .keyed ? "keyed" : "unkeyed") container was requested from an encoder "
                        + "that already holds another kind of value."))
            return WireFrameRef(index: ref.index, id: 0)
        }
        return ref
    }
}

/// Writes the one value of a slot.
struct WireSingleValueEncodingContainer: SingleValueEncodingContainer {
    let state: WireEncoderState
    let ref: WireFrameRef

    var codingPath: [any CodingKey] { state.codingPath(of: ref) }

    /// Checks the slot is open and empty, and marks it filled.
    @inline(__always)
    private func fill() throws {
        try state.beginWrite(ref)
        guard state.convertSlot(ref, to: .filled) else {
            throw state.misuseError(
                ref,
                "A single value container can hold one value only, "
                    + "and not after a keyed or unkeyed container of the same encoder.")
        }
    }

    mutating func encodeNil() throws {
        try fill()
        state.buffer.wireAppend(.null)
    }
    mutating func encode(_ value: Bool) throws {
        try fill()
        state.buffer.wireAppendBool(value)
    }
    mutating func encode(_ value: String) throws {
        try fill()
        state.buffer.wireAppendString(value)
    }
    mutating func encode(_ value: Double) throws {
        try fill()
        state.buffer.wireAppendDouble(value)
    }
    mutating func encode(_ value: Float) throws {
        try fill()
        state.buffer.wireAppendFloat(value)
    }
    mutating func encode(_ value: Int) throws {
        try fill()
        state.buffer.wireAppendInt(value)
    }
    mutating func encode(_ value: Int8) throws {
        try fill()
        state.buffer.wireAppendInt(value)
    }
    mutating func encode(_ value: Int16) throws {
        try fill()
        state.buffer.wireAppendInt(value)
    }
    mutating func encode(_ value: Int32) throws {
        try fill()
        state.buffer.wireAppendInt(value)
    }
    mutating func encode(_ value: Int64) throws {
        try fill()
        state.buffer.wireAppendInt(value)
    }
    mutating func encode(_ value: Int128) throws {
        try fill()
        state.buffer.wireAppendInt128(value)
    }
    mutating func encode(_ value: UInt) throws {
        try fill()
        state.buffer.wireAppendUInt(value)
    }
    mutating func encode(_ value: UInt8) throws {
        try fill()
        state.buffer.wireAppendUInt(value)
    }
    mutating func encode(_ value: UInt16) throws {
        try fill()
        state.buffer.wireAppendUInt(value)
    }
    mutating func encode(_ value: UInt32) throws {
        try fill()
        state.buffer.wireAppendUInt(value)
    }
    mutating func encode(_ value: UInt64) throws {
        try fill()
        state.buffer.wireAppendUInt(value)
    }
    mutating func encode(_ value: UInt128) throws {
        try fill()
        state.buffer.wireAppendUInt128(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try fill()
        // `Optional.encode(to:)` lands here with its wrapped value: mark a wrapped
        // optional so that `.some(nil)` does not read back as `nil`.
        if isOptionalType(T.self) { state.buffer.wireAppend(.some) }
        try state.encodeValue(value, key: WireNoKey())
    }
}
