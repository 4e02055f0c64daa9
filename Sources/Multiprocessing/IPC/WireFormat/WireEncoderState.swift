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

    struct Frame {
        var kind: Kind
        var start: Int
        var id: UInt32
        var key: (any CodingKey)?
    }

    // Dynamic exclusivity checks on these two properties cost 28% of encoding time
    // (perf, 1,000 structs). No access to them spans a call into user code or
    // another access, so they are turned off.
    @exclusivity(unchecked) var buffer: [UInt8]
    @exclusivity(unchecked) private(set) var frames: [Frame] = []
    private var lastID: UInt32 = 0
    /// An error a non-throwing call (`container(keyedBy:)`) could not throw.
    var deferredFailure: EncodingError?
    var userInfo: [CodingUserInfoKey: Any] = [:]

    /// An empty state; `BinaryEncoder` gets one from `WireStateCache`.
    init() {
        buffer = []
        frames.reserveCapacity(8)
    }

    /// Readies the state of a call that succeeded for another call: its buffer has
    /// been handed back, every frame is closed and no failure is recorded.
    func reset() {
        if !frames.isEmpty { frames.removeAll() }   // never after a successful call; defensive
        lastID = 0
        if !userInfo.isEmpty { userInfo = [:] }
    }

    // MARK: Frames

    /// Pushes an empty slot for a value under `key` and returns its reference.
    func pushSlot(key: (any CodingKey)?) throws -> WireFrameRef {
        guard frames.count < WireFormat.maximumDepth else {
            throw EncodingError.invalidValue(
                key as Any,
                .init(codingPath: codingPath(upTo: frames.count - 1),
                      debugDescription: "Values nest more than \(WireFormat.maximumDepth) levels deep."))
        }
        lastID &+= 1
        frames.append(Frame(kind: .slot, start: buffer.count, id: lastID, key: key))
        return WireFrameRef(index: Int32(frames.count - 1), id: lastID)
    }

    /// Closes every frame above `index` (all of them for -1).
    func closeFrames(above index: Int) throws {
        while frames.count - 1 > index {
            let frame = frames.removeLast()
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
                        length, .init(codingPath: codingPath(upTo: frames.count),
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

    /// The kind of the open frame `ref`.
    @inline(__always)
    func kind(of ref: WireFrameRef) -> Kind {
        frames[Int(ref.index)].kind
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

    // MARK: Values

    /// Writes a nested value under `key` (the caller has already written the key).
    @inline(__always)
    func encodeValue<T: Encodable>(_ value: T, key: (any CodingKey)?) throws {
        if wireEncodeFastPath(value, into: &buffer) { return }
        let ref = try pushSlot(key: key)
        try value.encode(to: WireEncoder(state: self, ref: ref))
        try closeFrames(above: Int(ref.index) - 1)
    }

    // MARK: Errors

    /// The coding path of frame `index`: the keys of the frames up to it.
    func codingPath(upTo index: Int) -> [any CodingKey] {
        let last = min(index, frames.count - 1)
        guard last >= 0 else { return [] }
        return frames[...last].compactMap(\.key)
    }

    /// The coding path of `ref` if it is open, else of the whole stack.
    func codingPath(of ref: WireFrameRef) -> [any CodingKey] {
        let index = Int(ref.index)
        if index < frames.count, frames[index].id == ref.id { return codingPath(upTo: index) }
        return codingPath(upTo: frames.count - 1)
    }

    func closedFrameError(_ ref: WireFrameRef) -> EncodingError {
        EncodingError.invalidValue(
            ref.index, .init(codingPath: codingPath(upTo: min(Int(ref.index), frames.count - 1)),
                             debugDescription: """
                                 A container or encoder was used after its parent wrote another value; \
                                 BinaryEncoder needs each nested value finished before its parent goes on.
                                 """))
    }

    func misuseError(_ ref: WireFrameRef, _ message: String) -> EncodingError {
        EncodingError.invalidValue(ref.index, .init(codingPath: codingPath(of: ref), debugDescription: message))
    }
}
