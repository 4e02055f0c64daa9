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

/// The `Encoder` every value of a sequence is given.
///
/// Making an `Encoder` existential per value cost a retain and a release of
/// the state, and the existential's set-up and tear-down (callgrind); the
/// session's `let` is passed to `encode(to:)` without a copy. (Not so for a
/// decoder: `init(from:)` consumes its argument, so a decoder existential is
/// copied for every value; see WireSequenceValueDecoder.swift.)
///
/// The encoder writes into whichever value of its sequence is being
/// written: one that an `encode(to:)` kept writes, if used while a later
/// value of the sequence is written, into that value (it is the encoder that
/// value was given too), and throws once the sequence is done, as an encoder
/// of a finished coding does. Containers are made per value, and stay bound
/// to theirs.
final class WireSequenceValueEncoder: Encoder {
    /// The encoder of one sequence, and the state it writes into.
    final class Session {
        let state: WireEncoderState
        let encoder: any Encoder
        private let handle: WireSequenceValueEncoder

        init(state: WireEncoderState) {
            self.state = state
            handle = WireSequenceValueEncoder(state: state)
            encoder = handle
        }

        /// Ends the sequence: an encoder kept from it writes nothing more.
        func finish() {
            handle.state = nil
        }
    }

    /// The state written into, not retained (its session holds it); `nil`
    /// once the sequence is done.
    @exclusivity(unchecked) private var state: Unmanaged<WireEncoderState>?

    private init(state: WireEncoderState) {
        self.state = .passUnretained(state)
    }

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { state?.takeUnretainedValue().userInfo ?? [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        guard let state else { return Self.finished.container(keyedBy: type) }
        return state._withUnsafeGuaranteedRef { state in
            WireEncoder(state: state, ref: state.sequenceValueRef).container(keyedBy: type)
        }
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        guard let state = state?.takeUnretainedValue() else { return Self.finished.unkeyedContainer() }
        return WireEncoder(state: state, ref: state.sequenceValueRef).unkeyedContainer()
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        guard let state = state?.takeUnretainedValue() else { return Self.finished.singleValueContainer() }
        return WireEncoder(state: state, ref: state.sequenceValueRef).singleValueContainer()
    }

    /// An encoder of a coding of its own that accepts nothing.
    private static var finished: WireEncoder {
        WireEncoder(state: WireEncoderState(), ref: WireFrameRef(index: 0, id: 0))
    }
}
