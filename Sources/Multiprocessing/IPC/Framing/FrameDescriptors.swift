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

internal import MultiprocessingPlatform

/// What arrived beside one frame's bytes.
enum FrameDescriptors {
    /// The frame announces no descriptor and none came with it (the usual case).
    case none
    /// The descriptors the frame announces, all of them, owned by the consumer.
    case received(IncomingDescriptors)
    /// The descriptors did not arrive as announced; whatever arrived was closed.
    case failed(FrameDescriptorError)
}

/// Why a frame's descriptors did not arrive as its header announced. The
/// frame's bytes were read whole, so the stream stays usable.
enum FrameDescriptorError: Error, Equatable, Sendable {
    /// The kernel could not install every descriptor (`MSG_CTRUNC`): the
    /// receiving process is at its open-file limit.
    case truncated
    /// Descriptors came that the frame does not announce (`count` of them).
    case unexpected(count: Int)
    /// Fewer descriptors came than the frame announces.
    case missing(expected: Int, received: Int)
}

extension FrameDescriptors {
    /// Closes the descriptors of a frame that takes none (a cancel, a malformed frame).
    func discard() {
        if case let .received(incoming) = self { incoming.closeUnclaimed() }
    }

    /// The received descriptors, if the frame carried some.
    var incoming: IncomingDescriptors? {
        guard case let .received(incoming) = self else { return nil }
        return incoming
    }
}

extension FrameDescriptorError: CustomStringConvertible {
    var description: String {
        switch self {
        case .truncated:
            "the descriptors of its shared objects were truncated: the receiving process is at its open-file limit"
        case let .unexpected(count):
            "\(count) descriptors came that the message does not announce"
        case let .missing(expected, received):
            "the message announced \(expected) descriptors, \(received) arrived"
        }
    }
}

/// A frame as a connection hands it to a receive: its payload and the
/// descriptors that came with it (the payload's bytes are valid only while
/// the receive's callback runs).
@usableFromInline
struct ReceivedFrame {
    let payload: FrameReader.Payload
    let descriptors: FrameDescriptors
}

/// Descriptors that arrived with reads and wait for the frame they belong to.
///
/// The rule that ties them to frames rests on how the kernel delivers them
/// (see SocketIO+Descriptors.swift): a sender attaches a frame's descriptors
/// to a `sendmsg` that starts and ends inside the frame (at its first byte,
/// or at its first bytes when they are many), and a read returns them with
/// that byte and stops at the end of the kernel buffer they came with, so
/// the read ends inside the frame. Hence the descriptors of a read that ended at stream
/// offset `e` belong to the frame that holds byte `e - 1`: the first frame
/// that ends at or after `e`. Reads are recorded with their end offset, and
/// a frame ending at `q` claims every recorded read with `e <= q` not
/// claimed by an earlier frame; it must find exactly the number its header
/// announces. Whatever does not fit is closed and reported with that frame.
final class DescriptorArrivals {
    private struct Arrival {
        /// The stream offset just after the last byte of the read they came with.
        var readEnd: Int
        var descriptors: [Int32]
        var truncated: Bool
    }

    private var arrivals: [Arrival] = []

    deinit { closeAll() }

    var isEmpty: Bool { arrivals.isEmpty }

    /// Records descriptors that came with the read that ended at stream offset `readEnd`.
    func add(_ arrived: ArrivedDescriptors, readEnd: Int) {
        arrivals.append(Arrival(readEnd: readEnd, descriptors: arrived.descriptors, truncated: arrived.truncated))
    }

    /// The descriptors of the frame that ends at stream offset `frameEnd`
    /// and announces `announced` of them.
    func claim(frameEnd: Int, announced: Int) -> FrameDescriptors {
        let count = arrivals.prefix { $0.readEnd <= frameEnd }.count
        let claimed = arrivals[..<count]
        let descriptors = claimed.flatMap(\.descriptors)
        let truncated = claimed.contains(where: \.truncated)
        arrivals.removeFirst(count)
        if !truncated && descriptors.count == announced {
            return announced == 0 ? .none : .received(IncomingDescriptors(adopting: descriptors))
        }
        descriptors.forEach(closeDescriptor)
        if truncated { return .failed(.truncated) }
        if descriptors.count > announced { return .failed(.unexpected(count: descriptors.count - announced)) }
        return .failed(.missing(expected: announced, received: descriptors.count))
    }

    /// Closes every descriptor waiting (the stream ended, or the reader is dropped).
    func closeAll() {
        arrivals.flatMap(\.descriptors).forEach(closeDescriptor)
        arrivals = []
    }
}
