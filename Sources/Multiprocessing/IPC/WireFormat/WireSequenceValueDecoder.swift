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

import Synchronization

/// Where the decoder of a sequence's values finds the state it reads.
///
/// The decoder itself (`WireSequenceValueDecoder`) holds no reference that
/// is counted, so handing it to each value's `init(from:)`, which consumes
/// its argument, costs neither a retain nor a release (an existential of a
/// decoder that held the state did, callgrind). So that a decoder kept past
/// its value can never reach freed memory, anchors are never freed: a state
/// takes one from a shared pool when it is made and gives it back when it
/// goes, and every value read through the state moves the anchor's
/// generation on, so a kept decoder, whose generation is past, throws.
///
/// The pool's lock is never waited for: a coding in a forked worker must not
/// wait for a lock that another thread of the parent held at the fork. When
/// it is busy, a state takes a new anchor, or lets its own go unpooled (a few
/// dozen bytes, never freed), which is rare: a thread keeps its states.
final class WireSequenceAnchor: Sendable {
    /// The value of the sequence being read, counted up from 0; only the
    /// state's thread writes it (an atomic only so that a decoder misused
    /// from another thread reads a number, not a torn one).
    let generation = Atomic<UInt64>(0)
    /// The state that owns the anchor, not retained; `nil` while pooled.
    nonisolated(unsafe) var state: Unmanaged<WireDecoderState>?

    private init() {}

    /// The anchors of the states gone, for the states to come.
    private static let pool = Mutex<[WireSequenceAnchor]>([])

    /// An anchor for a new state (which attaches itself), from the pool if it has one.
    static func take() -> WireSequenceAnchor {
        if case let pooled?? = pool.withLockIfAvailable({ $0.popLast() }) { return pooled }
        return WireSequenceAnchor()
    }

    /// Gives the anchor of a state that goes back to the pool, or lets it go
    /// if the pool is busy (see above).
    func giveBack() {
        state = nil
        nextValue()
        let pooled = Self.pool.withLockIfAvailable { $0.append(self) } != nil
        if !pooled { _ = Unmanaged.passRetained(self) }  // never freed: a kept decoder may still point at it
    }

    /// Moves on to the next value: decoders of earlier ones throw.
    @inline(__always)
    @discardableResult
    func nextValue() -> UInt64 {
        let next = generation.load(ordering: .relaxed) &+ 1
        generation.store(next, ordering: .relaxed)
        return next
    }
}

/// The `Decoder` a value of a sequence is given: it reads the value its
/// state is reading while that value is being read, and throws afterwards
/// (see `WireSequenceAnchor`).
struct WireSequenceValueDecoder: Decoder {
    let anchor: Unmanaged<WireSequenceAnchor>
    let generation: UInt64

    var codingPath: [any CodingKey] { valueDecoder.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { valueDecoder.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try anchor._withUnsafeGuaranteedRef { anchor in
            guard anchor.generation.load(ordering: .relaxed) == generation, let state = anchor.state else {
                return try Self.finished.container(keyedBy: type)
            }
            return try state._withUnsafeGuaranteedRef { state in
                try WireDecoder(
                    state: state, offset: state.topLevelValue.lowerBound, end: state.topLevelValue.upperBound
                )
                .container(keyedBy: type)
            }
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try valueDecoder.unkeyedContainer()
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        try valueDecoder.singleValueContainer()
    }

    /// The decoder of the value, or one with nothing to read if it is done.
    private var valueDecoder: WireDecoder {
        let anchor = anchor.takeUnretainedValue()
        guard anchor.generation.load(ordering: .relaxed) == generation, let state = anchor.state?.takeUnretainedValue()
        else { return Self.finished }
        return WireDecoder(state: state, offset: state.topLevelValue.lowerBound, end: state.topLevelValue.upperBound)
    }

    /// A decoder of a decoding of its own that has nothing to read.
    private static var finished: WireDecoder {
        WireDecoder(state: WireDecoderState(), offset: 0, end: 0)
    }
}
