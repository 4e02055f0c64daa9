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

/// The check that turns a missing key into a typed error rather than a
/// confusing message: a connection made without a key whose peer requires
/// one receives that peer's challenge (`#CHALLENGE#…`) as its first message.
/// Python's client would hand it to the caller as data; here the first
/// receive throws ``AuthenticationFailure/peerRequiresKey``, and so does
/// every receive after it. Only the first message is looked at: later ones
/// cost one relaxed load.
final class FirstMessageCheck: Sendable {
    private enum State: UInt8, AtomicRepresentable { case pending, passed, refused }

    private let state = Atomic(State.pending)

    /// Whether the first message has not passed yet.
    var isPending: Bool { state.load(ordering: .relaxed) != .passed }

    /// Runs `receive` with a consumer that screens the first message before
    /// handing it to `consume`. Called under no lock: the screening itself
    /// happens inside the receive, under the receive lock, so exactly the
    /// first message is screened whichever thread receives it.
    func screen(
        _ consume: (ReceivedFrame) -> Void,
        _ receive: ((ReceivedFrame) -> Void) throws(ConnectionError) -> Void
    ) throws(ConnectionError) {
        guard state.load(ordering: .relaxed) != .refused else { throw .authenticationFailed(.peerRequiresKey) }
        var refused = false
        try withoutActuallyEscaping(consume) { consume throws(ConnectionError) in
            try receive { frame in
                if state.load(ordering: .relaxed) == .pending {
                    let isChallenge = frame.payload.withBytes { $0.starts(with: Handshake.challengePrefix) }
                    state.store(isChallenge ? .refused : .passed, ordering: .relaxed)
                    refused = isChallenge
                }
                if refused {
                    frame.descriptors.discard()
                } else {
                    consume(frame)
                }
            }
        }
        if refused { throw .authenticationFailed(.peerRequiresKey) }
    }
}
