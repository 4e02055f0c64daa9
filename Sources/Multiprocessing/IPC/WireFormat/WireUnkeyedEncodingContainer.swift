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

// The unkeyed container of `BinaryEncoder`: elements `value`, written in call order.

struct WireUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let state: WireEncoderState
    let ref: WireFrameRef
    private(set) var count = 0

    init(state: WireEncoderState, ref: WireFrameRef) {
        self.state = state
        self.ref = ref
    }

    var codingPath: [any CodingKey] { state.codingPath(of: ref) }

    /// Checks the container is open and counts one more element.
    @inline(__always)
    private mutating func begin() throws {
        try state.beginWrite(ref)
        count += 1
    }

    mutating func encodeNil() throws {
        try begin()
        state.buffer.wireAppend(.null)
    }
    mutating func encode(_ value: Bool) throws {
        try begin()
        state.buffer.wireAppendBool(value)
    }
    mutating func encode(_ value: String) throws {
        try begin()
        state.buffer.wireAppendString(value)
    }
    mutating func encode(_ value: Double) throws {
        try begin()
        state.buffer.wireAppendDouble(value)
    }
    mutating func encode(_ value: Float) throws {
        try begin()
        state.buffer.wireAppendFloat(value)
    }
    mutating func encode(_ value: Int) throws {
        try begin()
        state.buffer.wireAppendInt(value)
    }
    mutating func encode(_ value: Int8) throws {
        try begin()
        state.buffer.wireAppendInt(value)
    }
    mutating func encode(_ value: Int16) throws {
        try begin()
        state.buffer.wireAppendInt(value)
    }
    mutating func encode(_ value: Int32) throws {
        try begin()
        state.buffer.wireAppendInt(value)
    }
    mutating func encode(_ value: Int64) throws {
        try begin()
        state.buffer.wireAppendInt(value)
    }
    mutating func encode(_ value: Int128) throws {
        try begin()
        state.buffer.wireAppendInt128(value)
    }
    mutating func encode(_ value: UInt) throws {
        try begin()
        state.buffer.wireAppendUInt(value)
    }
    mutating func encode(_ value: UInt8) throws {
        try begin()
        state.buffer.wireAppendUInt(value)
    }
    mutating func encode(_ value: UInt16) throws {
        try begin()
        state.buffer.wireAppendUInt(value)
    }
    mutating func encode(_ value: UInt32) throws {
        try begin()
        state.buffer.wireAppendUInt(value)
    }
    mutating func encode(_ value: UInt64) throws {
        try begin()
        state.buffer.wireAppendUInt(value)
    }
    mutating func encode(_ value: UInt128) throws {
        try begin()
        state.buffer.wireAppendUInt128(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        try state.encodeValue(value, key: WireIndexKey(intValue: count - 1))
    }

    /// Writes the bytes as one `byteRun` of that many `UInt8` elements.
    ///
    /// Foundation's `Data` encodes itself through this call, so it costs one
    /// copy here instead of one tagged element per byte.
    mutating func encode<T: Sequence>(contentsOf sequence: T) throws where T.Element == UInt8 {
        try state.beginWrite(ref)
        let start = state.buffer.count
        state.buffer.wireAppend(.byteRun)
        let lengthAt = state.buffer.wireReserveLength()
        let copied: Void? = sequence.withContiguousStorageIfAvailable {
            state.buffer.append(contentsOf: UnsafeRawBufferPointer($0))
        }
        // Iterating a sequence runs its code: never while the buffer is being modified.
        if copied == nil { state.buffer.append(contentsOf: Array(sequence)) }
        let length = state.buffer.count - lengthAt - 4
        guard length > 0 else {
            state.buffer.removeLast(state.buffer.count - start)
            return
        }
        guard length <= WireFormat.maximumContainerBytes else {
            throw state.misuseError(ref, "A run of \(length) bytes exceeds 4 GiB.")
        }
        state.buffer.wirePatchLength(UInt32(length), at: lengthAt)
        count += length
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        state.keyedContainer(NestedKey.self, ref: nested(.keyed))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        WireUnkeyedEncodingContainer(state: state, ref: nested(.unkeyed))
    }

    mutating func superEncoder() -> any Encoder {
        WireEncoder(state: state, ref: nested(.slot))
    }

    /// Opens a frame of `kind` for the next element; on failure records the error
    /// and returns a reference every write through which throws.
    private mutating func nested(_ kind: WireEncoderState.Kind) -> WireFrameRef {
        do {
            try begin()
            let nested = try state.pushSlot(key: WireIndexKey(intValue: count - 1))
            if kind != .slot { _ = state.convertSlot(nested, to: kind) }
            return nested
        } catch {
            if let error = error as? EncodingError { state.deferFailure(error) }
            return WireFrameRef(index: ref.index + 1, id: 0)
        }
    }
}
