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

// The keyed container of `BinaryEncoder`: entries `key value`, written in call order.

/// Where a keyed container writes: shared by every copy of the container's
/// box, and pointed at a new frame when a kept container is handed out again
/// (see WireContainerReuse.swift).
///
/// No access to its properties spans a call into other code, so their dynamic
/// exclusivity checks (about 75 instructions each, callgrind) are turned off.
final class WireKeyedEncodingCell {
    /// The coding written into; `nil` when the container belongs to no coding.
    @exclusivity(unchecked) private(set) var state: WireEncoderState? {
        didSet { unretainedState = state.map(Unmanaged.passUnretained) }
    }
    /// `state`, used without a retain and release (callgrind: one pair per
    /// entry written): `state` owns the same object whenever this is set.
    @exclusivity(unchecked) private(set) var unretainedState: Unmanaged<WireEncoderState>?
    /// The container's frame in `state`.
    @exclusivity(unchecked) var ref: WireFrameRef
    /// The keys containers of this key type wrote (see WireLearnedKey.swift).
    @exclusivity(unchecked) var keys = WireLearnedKeys()

    init(state: WireEncoderState? = nil, ref: WireFrameRef = WireFrameRef(index: 0, id: 0)) {
        self.state = state
        self.unretainedState = state.map(Unmanaged.passUnretained)
        self.ref = ref
    }

    /// Points the cell at the frame `ref` of `state`.
    @inline(__always)
    func bind(to state: WireEncoderState, ref: WireFrameRef) {
        if self.state !== state { self.state = state }
        self.ref = ref
        keys.rewind()
    }

    /// Detaches the cell from its coding, which is over.
    func detach() {
        state = nil
    }
}

struct WireKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let cell: WireKeyedEncodingCell

    var codingPath: [any CodingKey] { cell.state?.codingPath(of: cell.ref) ?? [] }

    /// Writes an entry: `key`, then what `value` appends to the buffer.
    ///
    /// The key's name is asked for first: it is user code, and the state is
    /// then used without a call into unknown code, so it needs no retain.
    @inline(__always)
    private func entry(_ key: Key, _ value: (inout WireBuffer) -> Void) throws {
        let name = key.stringValue
        guard let state = cell.unretainedState else { throw WireEncoderState.finishedError }
        try state._withUnsafeGuaranteedRef { state in
            try state.beginWrite(cell.ref)
            write(name, into: state)
            value(&state.buffer)
        }
    }

    /// Checks the container is open and writes `key`; call before writing a
    /// value of a type of its own.
    @inline(__always)
    private func begin(_ key: Key) throws -> WireEncoderState {
        let name = key.stringValue
        guard let state = cell.state else { throw WireEncoderState.finishedError }
        try state.beginWrite(cell.ref)
        write(name, into: state)
        return state
    }

    /// Writes the key named `name`: the learned bytes if it is the key learned
    /// for this entry, else the name (which is then learned).
    @inline(__always)
    private func write(_ name: String, into state: WireEncoderState) {
        guard !cell.keys.appendNext(named: name, to: &state.buffer) else { return }
        state.buffer.wireAppendKey(name)
        cell.keys.learn(name)
    }

    mutating func encodeNil(forKey key: Key) throws { try entry(key) { $0.wireAppend(.null) } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try entry(key) { $0.wireAppendBool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { try entry(key) { $0.wireAppendString(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { try entry(key) { $0.wireAppendDouble(value) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { try entry(key) { $0.wireAppendFloat(value) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { try entry(key) { $0.wireAppendInt(value) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try entry(key) { $0.wireAppendInt(value) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try entry(key) { $0.wireAppendInt(value) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try entry(key) { $0.wireAppendInt(value) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try entry(key) { $0.wireAppendInt(value) } }
    mutating func encode(_ value: Int128, forKey key: Key) throws { try entry(key) { $0.wireAppendInt128(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try entry(key) { $0.wireAppendUInt(value) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try entry(key) { $0.wireAppendUInt(value) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try entry(key) { $0.wireAppendUInt(value) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try entry(key) { $0.wireAppendUInt(value) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try entry(key) { $0.wireAppendUInt(value) } }
    mutating func encode(_ value: UInt128, forKey key: Key) throws { try entry(key) { $0.wireAppendUInt128(value) } }

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
            let name = key.stringValue
            try state.beginWrite(cell.ref)
            write(name, into: state)
            let nested = try state.pushSlot(key: key)
            if kind != .slot { _ = state.convertSlot(nested, to: kind) }
            return (state, nested)
        } catch {
            if let error = error as? EncodingError { state.deferFailure(error) }
            return (state, WireFrameRef(index: cell.ref.index + 1, id: 0))
        }
    }
}
