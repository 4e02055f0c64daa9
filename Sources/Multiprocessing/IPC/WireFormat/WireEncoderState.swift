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

// The state one `BinaryEncoder.encode` call shares by reference across all its
// encoders and containers: one growing byte buffer and a stack of open frames.
//
// Everything is written at the end of the buffer, in the order the `encode(to:)`
// methods call. A frame is a value being written: an empty slot, a finished single
// value, or a keyed or unkeyed container whose `u32` length is patched when the
// frame closes. Writing through a frame first closes every frame above it, so a
// nested container is finished by the next write to its parent. A container that is
// written to after that (legal for Codable, unheard of in practice) has been closed
// for good: the write throws `EncodingError.invalidValue` instead of producing
// wrong bytes.

/// Names an open frame: its index in the stack and an id no other frame has had.
struct WireFrameRef: Sendable {
    var index: Int32
    var id: UInt32
}

final class WireEncoderState {
    /// What a frame holds.
    enum Kind {
        /// Nothing yet; the value will start at `start`.
        case slot
        /// A single value has been written.
        case filled
        /// A keyed container; its length placeholder is at `start`.
        case keyed
        /// An unkeyed container; its length placeholder is at `start`.
        case unkeyed
    }

    /// What names a frame's value in a coding path.
    enum Label {
        /// Nothing: a top-level value, or the value of a single-value container.
        case none
        /// The element at this index of an unkeyed container.
        case element(Int)
        /// A key of a keyed container: the top of `keys`.
        case key
    }

    /// A frame; trivial, so that pushing and popping one costs no value witness calls.
    struct Frame {
        var kind: Kind
        var start: Int
        var id: UInt32
        var label: Label
    }

    // Dynamic exclusivity checks on these two properties cost 28% of encoding time
    // (perf, 1,000 structs). No access to them spans a call into user code or
    // another access, so they are turned off.
    @exclusivity(unchecked) var buffer = WireBuffer()
    @exclusivity(unchecked) private(set) var frames = WireFrameStack()
    /// The keys of the frames labelled `.key`, in frame order.
    @exclusivity(unchecked) private var keys: [any CodingKey] = []
    private var lastID: UInt32 = 0
    /// The last type `wireEncodeFastPath` did not take (see `encodeValue`).
    @exclusivity(unchecked) private var typeWithoutFastPath = ObjectIdentifier(Never.self)
    /// The first error a non-throwing call (`container(keyedBy:)`) could not throw.
    private var deferredFailure: EncodingError?
    /// Whether there is one: checking this flag is cheaper than copying the
    /// optional error out (its value witnesses, callgrind).
    private var hasDeferredFailure = false
    var userInfo: [CodingUserInfoKey: Any] = [:]
    /// Keyed containers made by this state, for reuse (see WireContainerReuse.swift).
    @exclusivity(unchecked) private var keyedContainers = WireContainerCache<WireKeyedEncodingCell>()

    /// An empty state; `BinaryEncoder` gets one from `WireStateCache`.
    init() {}

    /// Ends a coding: detaches the kept containers, so that one a type kept
    /// throws when used, and so that they do not keep this state alive.
    func detachContainers() {
        keyedContainers.forEachCell { $0.detach() }
    }

    /// Forgets a value whose encoding failed: its frames, its recorded failure
    /// and its bytes from `count` on.
    func rollBack(to count: Int) {
        frames.removeAll()
        keys.removeAll(keepingCapacity: true)
        (deferredFailure, hasDeferredFailure) = (nil, false)
        buffer.removeLast(buffer.count - count)
    }

    /// Readies the state of a call that succeeded for another call: its bytes
    /// have been copied out, every frame is closed and no failure is recorded.
    func reset() {
        buffer.removeAll(keepingCapacity: 64 << 10)  // a thread keeps no huge buffer for good
        if !frames.isEmpty { frames.removeAll() }  // never after a successful call; defensive
        if !keys.isEmpty { keys.removeAll() }
        lastID = 0
        if !userInfo.isEmpty { userInfo = [:] }
    }

    // MARK: Frames

    /// Pushes an empty slot for a value under `key` and returns its reference.
    @inline(__always)
    func pushSlot<Key: CodingKey>(key: Key) throws -> WireFrameRef {
        // Metatype comparisons: `is` would be a dynamic cast.
        let label: Label =
            if Key.self == WireNoKey.self {
                .none
            } else if Key.self == WireIndexKey.self, let index = key.intValue {
                .element(index)
            } else {
                .key
            }
        return try pushSlot(label: label, key: key)
    }

    private func pushSlot(label: Label, key: some CodingKey) throws -> WireFrameRef {
        guard frames.count < WireFormat.maximumDepth else {
            throw EncodingError.invalidValue(
                key,
                .init(
                    codingPath: codingPath(upTo: frames.count - 1),
                    debugDescription: "Values nest more than \(WireFormat.maximumDepth) levels deep."))
        }
        if case .key = label { keys.append(key) }
        lastID &+= 1
        frames.append(Frame(kind: .slot, start: buffer.count, id: lastID, label: label))
        return WireFrameRef(index: Int32(frames.count - 1), id: lastID)
    }

    /// Closes every frame above `index` (all of them for -1).
    func closeFrames(above index: Int) throws {
        while frames.count - 1 > index {
            let frame = frames.removeLast()
            if case .key = frame.label { keys.removeLast() }
            switch frame.kind {
            case .filled:
                break
            case .slot:
                // A value that wrote nothing: an empty keyed container, as JSONEncoder's `{}`.
                buffer.wireAppend(.keyed)
                buffer.wirePatchLength(0, at: buffer.wireReserveLength())
            case .keyed, .unkeyed:
                let length = buffer.count - frame.start - 4
                guard length <= WireFormat.maximumContainerBytes else {
                    throw EncodingError.invalidValue(
                        length,
                        .init(
                            codingPath: codingPath(upTo: frames.count),
                            debugDescription: "A container of \(length) bytes exceeds 4 GiB."))
                }
                buffer.wirePatchLength(UInt32(length), at: frame.start)
            }
        }
    }

    /// Closes the frames above `ref` and checks `ref` is still open; call before every write.
    @inline(__always)
    func beginWrite(_ ref: WireFrameRef) throws {
        let index = Int(ref.index)
        if frames.count - 1 != index { try closeFrames(above: index) }
        guard index < frames.count, frames[index].id == ref.id else { throw closedFrameError(ref) }
    }

    /// Turns the slot `ref` into a container of `kind` if it is the open top
    /// frame and holds nothing yet (what almost every `container(keyedBy:)`
    /// finds); `false` otherwise, and the general path decides.
    @inline(__always)
    func openTopSlot(_ ref: WireFrameRef, as kind: Kind) -> Bool {
        let index = Int(ref.index)
        guard index == frames.count - 1, frames[index].id == ref.id, case .slot = frames[index].kind else {
            return false
        }
        buffer.wireAppend(kind == .keyed ? .keyed : .unkeyed)
        frames[index].start = buffer.wireReserveLength()
        frames[index].kind = kind
        return true
    }

    /// Turns the slot `ref` into `kind`; `false` if it already holds something else.
    func convertSlot(_ ref: WireFrameRef, to kind: Kind) -> Bool {
        let index = Int(ref.index)
        switch (frames[index].kind, kind) {
        case (.slot, .keyed), (.slot, .unkeyed):
            buffer.wireAppend(kind == .keyed ? .keyed : .unkeyed)
            frames[index].start = buffer.wireReserveLength()
            frames[index].kind = kind
            return true
        case (.slot, .filled):
            frames[index].kind = .filled
            return true
        case (.keyed, .keyed), (.unkeyed, .unkeyed):
            return true
        default:
            return false
        }
    }

    /// Records `error` for the end of the coding, unless an earlier one is recorded.
    func deferFailure(_ error: EncodingError) {
        guard !hasDeferredFailure else { return }
        (deferredFailure, hasDeferredFailure) = (error, true)
    }

    /// Throws the error a non-throwing call recorded, if any.
    @inline(__always)
    func throwDeferredFailure() throws {
        if hasDeferredFailure { throw deferredFailure! }
    }

    // MARK: Containers

    /// A keyed container writing into the frame `ref`: a kept one if one is free.
    @inline(__always)
    func keyedContainer<Key: CodingKey>(_: Key.Type, ref: WireFrameRef) -> KeyedEncodingContainer<Key> {
        guard let index = keyedContainers.unshared(for: ObjectIdentifier(Key.self)) else {
            return makeKeyedContainer(Key.self, ref: ref)
        }
        keyedContainers.withCell(at: index) { $0.bind(to: self, ref: ref) }
        return keyedContainers.container(at: index, as: KeyedEncodingContainer<Key>.self)
    }

    /// A new keyed container, kept for reuse if there is room. Out of line: only
    /// here is the container's type metadata needed (see `WireContainerSlot`).
    @inline(never)
    private func makeKeyedContainer<Key: CodingKey>(_: Key.Type, ref: WireFrameRef) -> KeyedEncodingContainer<Key> {
        let cell = WireKeyedEncodingCell(state: self, ref: ref)
        let container = KeyedEncodingContainer(WireKeyedEncodingContainer<Key>(cell: cell))
        keyedContainers.keep(container, cell: cell, for: ObjectIdentifier(Key.self))
        return container
    }

    // MARK: Values

    /// Writes a nested value under `key` (the caller has already written the key).
    @inline(__always)
    func encodeValue<T: Encodable>(_ value: T, key: some CodingKey) throws {
        // The last type found to have no fast path is not looked for again:
        // a batch's values, an array's elements are of one type.
        let type = ObjectIdentifier(T.self)
        if type != typeWithoutFastPath {
            if wireEncodeFastPath(value, into: &buffer) { return }
            typeWithoutFastPath = type
        }
        let ref = try pushSlot(key: key)
        try value.encode(to: WireEncoder(state: self, ref: ref))
        try closeFrames(above: Int(ref.index) - 1)
    }

    /// Writes a message's value: what `encodeValue` does, without what only
    /// nested values need.
    @inline(__always)
    func encodeTopLevel<T: Encodable>(_ value: T) throws {
        try encodeTopLevel(value) { value, id in
            try value.encode(to: WireEncoder(state: self, ref: WireFrameRef(index: 0, id: id)))
        }
    }

    /// Writes a value of a sequence: what `encodeTopLevel` does, through
    /// `encoder`, the one encoder of the sequence's values (see
    /// WireSequenceValueEncoder.swift).
    @inline(__always)
    func encodeSequenceValue<T: Encodable>(_ value: T, through encoder: any Encoder) throws {
        try encodeTopLevel(value) { value, _ in try value.encode(to: encoder) }
    }

    /// Writes a value of its own through its fast path, or in a new top
    /// frame with the id it is given, through `encode`.
    @inline(__always)
    private func encodeTopLevel<T: Encodable>(_ value: T, _ encode: (T, UInt32) throws -> Void) throws {
        precondition(frames.isEmpty, "a top-level value inside another")
        let type = ObjectIdentifier(T.self)
        if type != typeWithoutFastPath {
            if wireEncodeFastPath(value, into: &buffer) { return }
            typeWithoutFastPath = type
        }
        lastID &+= 1
        frames.append(Frame(kind: .slot, start: buffer.count, id: lastID, label: .none))
        try encode(value, lastID)
        try closeFrames(above: -1)
    }

    /// The frame of the value of a sequence being written, if one is; else a
    /// reference every write through which throws.
    var sequenceValueRef: WireFrameRef {
        frames.isEmpty ? WireFrameRef(index: 0, id: 0) : WireFrameRef(index: 0, id: frames[0].id)
    }

    // MARK: Errors

    /// The coding path of frame `index`: the keys of the frames up to it.
    func codingPath(upTo index: Int) -> [any CodingKey] {
        let last = min(index, frames.count - 1)
        guard last >= 0 else { return [] }
        var path: [any CodingKey] = []
        var keyIndex = 0
        for index in 0...last {
            switch frames[index].label {
            case .none: break
            case .element(let index): path.append(WireIndexKey(intValue: index))
            case .key:
                path.append(keys[keyIndex])
                keyIndex += 1
            }
        }
        return path
    }

    /// The coding path of `ref` if it is open, else of the whole stack.
    func codingPath(of ref: WireFrameRef) -> [any CodingKey] {
        let index = Int(ref.index)
        if index < frames.count, frames[index].id == ref.id { return codingPath(upTo: index) }
        return codingPath(upTo: frames.count - 1)
    }

    /// What writing through a container of a finished coding throws.
    static var finishedError: EncodingError {
        EncodingError.invalidValue(
            0,
            .init(
                codingPath: [],
                debugDescription: """
                    A container was used after the encoding it belongs to finished.
                    """))
    }

    func closedFrameError(_ ref: WireFrameRef) -> EncodingError {
        EncodingError.invalidValue(
            ref.index,
            .init(
                codingPath: codingPath(upTo: min(Int(ref.index), frames.count - 1)),
                debugDescription: """
                    A container or encoder was used after its parent wrote another value; \
                    BinaryEncoder needs each nested value finished before its parent goes on.
                    """))
    }

    func misuseError(_ ref: WireFrameRef, _ message: String) -> EncodingError {
        EncodingError.invalidValue(ref.index, .init(codingPath: codingPath(of: ref), debugDescription: message))
    }
}

/// The frames of an encoding: a stack in memory of its own, so that pushing,
/// popping and updating a frame check no array's uniqueness (callgrind: a
/// third of the cost of framing a small struct).
struct WireFrameStack: ~Copyable {
    typealias Frame = WireEncoderState.Frame

    private var base: UnsafeMutablePointer<Frame>
    private var capacity = 8
    private(set) var count = 0

    init() {
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()  // frames are trivial: nothing to deinitialize
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    mutating func append(_ frame: Frame) {
        if count == capacity { grow() }
        (base + count).initialize(to: frame)
        count += 1
    }

    @inline(__always)
    mutating func removeLast() -> Frame {
        precondition(count > 0, "popping an empty frame stack")
        count -= 1
        return base[count]
    }

    mutating func removeAll() {
        count = 0
    }

    subscript(index: Int) -> Frame {
        @inline(__always) get {
            precondition(index >= 0 && index < count, "no frame at \(index)")
            return base[index]
        }
        @inline(__always) set {
            precondition(index >= 0 && index < count, "no frame at \(index)")
            base[index] = newValue
        }
    }

    @inline(never)
    private mutating func grow() {
        let newBase = UnsafeMutablePointer<Frame>.allocate(capacity: capacity * 2)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        (base, capacity) = (newBase, capacity * 2)
    }
}
