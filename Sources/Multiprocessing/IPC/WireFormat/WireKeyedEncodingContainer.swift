// The keyed container of `BinaryEncoder`: entries `key value`, written in call order.

struct WireKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: WireEncoderState
    let ref: WireFrameRef

    var codingPath: [any CodingKey] { state.codingPath(of: ref) }

    /// Checks the container is open and writes `key`; call before writing a value.
    @inline(__always)
    private func begin(_ key: Key) throws {
        try state.beginWrite(ref)
        let name = key.stringValue
        state.buffer.wireAppendKey(name)
    }

    mutating func encodeNil(forKey key: Key) throws { try begin(key); state.buffer.wireAppend(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try begin(key); state.buffer.wireAppendBool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try begin(key); state.buffer.wireAppendString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try begin(key); state.buffer.wireAppendDouble(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try begin(key); state.buffer.wireAppendFloat(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try begin(key); state.buffer.wireAppendInt(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try begin(key); state.buffer.wireAppendInt(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try begin(key); state.buffer.wireAppendInt(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try begin(key); state.buffer.wireAppendInt(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try begin(key); state.buffer.wireAppendInt(value) }
    mutating func encode(_ value: Int128, forKey key: Key) throws { try begin(key); state.buffer.wireAppendInt128(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try begin(key); state.buffer.wireAppendUInt(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try begin(key); state.buffer.wireAppendUInt(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try begin(key); state.buffer.wireAppendUInt(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try begin(key); state.buffer.wireAppendUInt(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try begin(key); state.buffer.wireAppendUInt(value) }
    mutating func encode(_ value: UInt128, forKey key: Key) throws { try begin(key); state.buffer.wireAppendUInt128(value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try state.encodeValue(value, key: key)
    }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else { return }
        try begin(key)
        // `Optional<Optional<X>>.some(nil)` keeps its outer level (see `WireTag.some`).
        if isOptionalType(T.self) { state.buffer.wireAppend(.some) }
        try state.encodeValue(value, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(WireKeyedEncodingContainer<NestedKey>(state: state, ref: nested(.keyed, key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        WireUnkeyedEncodingContainer(state: state, ref: nested(.unkeyed, key))
    }

    mutating func superEncoder() -> any Encoder {
        WireEncoder(state: state, ref: nested(.slot, WireIndexKey.super))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        WireEncoder(state: state, ref: nested(.slot, key))
    }

    /// Writes `key` and opens a frame of `kind` for its value; on failure records
    /// the error and returns a reference every write through which throws.
    private func nested(_ kind: WireEncoderState.Kind, _ key: some CodingKey) -> WireFrameRef {
        do {
            try state.beginWrite(ref)
            let name = key.stringValue
            state.buffer.wireAppendKey(name)
            let nested = try state.pushSlot(key: key)
            if kind != .slot { _ = state.convertSlot(nested, to: kind) }
            return nested
        } catch {
            if let error = error as? EncodingError { state.deferredFailure = state.deferredFailure ?? error }
            return WireFrameRef(index: ref.index + 1, id: 0)
        }
    }
}
