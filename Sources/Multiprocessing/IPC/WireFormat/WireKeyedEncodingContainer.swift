// The keyed container of `BinaryEncoder`: entries `key value`, written in call order.

/// Where a keyed container writes: shared by every copy of the container's
/// box, and pointed at a new frame when a kept container is handed out again
/// (see WireContainerReuse.swift).
///
/// No access to its properties spans a call into other code, so their dynamic
/// exclusivity checks (about 75 instructions each, callgrind) are turned off.
final class WireKeyedEncodingCell {
    /// The coding written into; `nil` when the container belongs to no coding.
    @exclusivity(unchecked) var state: WireEncoderState?
    /// The container's frame in `state`.
    @exclusivity(unchecked) var ref: WireFrameRef
    /// The keys containers of this key type wrote (see WireLearnedKey.swift).
    @exclusivity(unchecked) var keys = WireLearnedKeys()

    init(state: WireEncoderState? = nil, ref: WireFrameRef = WireFrameRef(index: 0, id: 0)) {
        self.state = state
        self.ref = ref
    }

    /// Points the cell at the frame `ref` of `state`.
    @inline(__always)
    func bind(to state: WireEncoderState, ref: WireFrameRef) {
        if self.state !== state { self.state = state }
        self.ref = ref
        keys.rewind()
    }
}

struct WireKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let cell: WireKeyedEncodingCell

    var codingPath: [any CodingKey] { cell.state?.codingPath(of: cell.ref) ?? [] }

    /// The coding, checked open at this container's frame; call before writing.
    @inline(__always)
    private func open() throws -> WireEncoderState {
        guard let state = cell.state else { throw WireEncoderState.finishedError }
        try state.beginWrite(cell.ref)
        return state
    }

    /// Checks the container is open and writes `key`; call before writing a value.
    @inline(__always)
    private func begin(_ key: Key) throws -> WireEncoderState {
        let state = try open()
        write(key, into: state)
        return state
    }

    /// Writes the key of an entry: the learned bytes if it is the key learned
    /// for this entry, else its name (which is then learned).
    @inline(__always)
    private func write(_ key: some CodingKey, into state: WireEncoderState) {
        let name = key.stringValue
        if let learned = cell.keys.next(named: name) {
            learned.append(to: &state.buffer)
            cell.keys.advance()
        } else {
            state.buffer.wireAppendKey(name)
            cell.keys.learn(name)
        }
    }

    mutating func encodeNil(forKey key: Key) throws { try begin(key).buffer.wireAppend(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try begin(key).buffer.wireAppendBool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try begin(key).buffer.wireAppendString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try begin(key).buffer.wireAppendDouble(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try begin(key).buffer.wireAppendFloat(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try begin(key).buffer.wireAppendInt(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try begin(key).buffer.wireAppendInt(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try begin(key).buffer.wireAppendInt(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try begin(key).buffer.wireAppendInt(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try begin(key).buffer.wireAppendInt(value) }
    mutating func encode(_ value: Int128, forKey key: Key) throws { try begin(key).buffer.wireAppendInt128(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try begin(key).buffer.wireAppendUInt(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try begin(key).buffer.wireAppendUInt(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try begin(key).buffer.wireAppendUInt(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try begin(key).buffer.wireAppendUInt(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try begin(key).buffer.wireAppendUInt(value) }
    mutating func encode(_ value: UInt128, forKey key: Key) throws { try begin(key).buffer.wireAppendUInt128(value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key).encodeValue(value, key: key)
    }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else { return }
        let state = try begin(key)
        // `Optional<Optional<X>>.some(nil)` keeps its outer level (see `WireTag.some`).
        if isOptionalType(T.self) { state.buffer.wireAppend(.some) }
        try state.encodeValue(value, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let (state, ref) = nested(.keyed, key)
        return state.keyedContainer(NestedKey.self, ref: ref)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let (state, ref) = nested(.unkeyed, key)
        return WireUnkeyedEncodingContainer(state: state, ref: ref)
    }

    mutating func superEncoder() -> any Encoder {
        let (state, ref) = nested(.slot, WireIndexKey.super)
        return WireEncoder(state: state, ref: ref)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let (state, ref) = nested(.slot, key)
        return WireEncoder(state: state, ref: ref)
    }

    /// Writes `key` and opens a frame of `kind` for its value; on failure records
    /// the error and returns a reference every write through which throws.
    private func nested(_ kind: WireEncoderState.Kind, _ key: some CodingKey) -> (WireEncoderState, WireFrameRef) {
        // A container of a finished coding gets a coding of its own that accepts nothing.
        guard let state = cell.state else { return (WireEncoderState(), WireFrameRef(index: 0, id: 0)) }
        do {
            try state.beginWrite(cell.ref)
            write(key, into: state)
            let nested = try state.pushSlot(key: key)
            if kind != .slot { _ = state.convertSlot(nested, to: kind) }
            return (state, nested)
        } catch {
            if let error = error as? EncodingError { state.deferFailure(error) }
            return (state, WireFrameRef(index: cell.ref.index + 1, id: 0))
        }
    }
}
