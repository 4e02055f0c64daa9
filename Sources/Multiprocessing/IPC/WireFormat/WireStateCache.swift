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

// One spare encoder state and one spare decoder state per thread.
//
// A state object and its stack array cost two heap allocations per
// `BinaryEncoder.encode` or `BinaryDecoder.decode` call, a large share of the
// cost of a small value (a `{x: Int}` job). A call takes its thread's spare
// state (leaving none), and gives it back when it is done if nothing else still
// refers to it: an `Encoder`, `Decoder` or container that a type kept past its
// `encode(to:)` or `init(from:)` keeps the state it had, which is then never
// reused. A nested call (an `encode(to:)` that itself calls `BinaryEncoder`) finds
// no spare and allocates its own. Swift has no thread-local storage of its own,
// hence POSIX thread-specific data; the destructor releases a thread's spares
// when it exits.

import Glibc

enum WireStateCache {
    /// The key of each thread's spare `WireEncoderState`, `nil` if none could be created.
    private static let encoderKey = makeKey()
    /// The key of each thread's spare `WireDecoderState`, `nil` if none could be created.
    private static let decoderKey = makeKey()

    /// A thread-specific data key whose values are retained objects.
    private static func makeKey() -> pthread_key_t? {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<AnyObject>.fromOpaque(pointer).release() }
        }
        return rc == 0 ? key : nil  // out of keys: run without spares
    }

    /// Removes and returns the thread's spare object under `key`, if any.
    @inline(__always)
    private static func take<State: AnyObject>(_ key: pthread_key_t?, as _: State.Type) -> State? {
        guard let key, let pointer = pthread_getspecific(key) else { return nil }
        _ = pthread_setspecific(key, nil)
        return Unmanaged<State>.fromOpaque(pointer).takeRetainedValue()
    }

    /// Makes `state` the thread's spare under `key` if nothing else refers to it
    /// and the thread has no spare yet; `reset` clears it first.
    @inline(__always)
    private static func keep<State: AnyObject>(_ state: inout State, _ key: pthread_key_t?, reset: (State) -> Void) {
        guard let key, isKnownUniquelyReferenced(&state), pthread_getspecific(key) == nil else { return }
        reset(state)
        let retained = Unmanaged.passRetained(state)
        if pthread_setspecific(key, retained.toOpaque()) != 0 { retained.release() }
    }

    /// The thread's spare encoder state, or a new one.
    static func encoderState() -> WireEncoderState {
        take(encoderKey, as: WireEncoderState.self) ?? WireEncoderState()
    }

    /// Gives `state` back when its encoding call is done.
    static func recycle(_ state: inout WireEncoderState) {
        keep(&state, encoderKey) { $0.reset() }
    }

    /// The thread's spare decoder state, or a new one.
    static func decoderState() -> WireDecoderState {
        take(decoderKey, as: WireDecoderState.self) ?? WireDecoderState()
    }

    /// Gives `state` back when its decoding call is done.
    static func recycle(_ state: inout WireDecoderState) {
        keep(&state, decoderKey) { $0.reset() }
    }
}
