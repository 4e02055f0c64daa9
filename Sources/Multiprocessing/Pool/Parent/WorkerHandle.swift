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

#if canImport(Glibc)
    import Glibc
#endif

/// The pool's side of one worker process: its socket with the frames waiting
/// to be sent and the reader of what it sends back, and its pidfd. Owned by
/// the I/O thread.
final class WorkerHandle {
    enum State: Equatable {
        /// Takes and runs tasks.
        case running
        /// The pool closed the socket on purpose; the worker is exiting normally.
        case closing
        /// The pool killed it (time-out, cancel, terminate); waiting to reap it.
        case killed
        /// It died by itself (its socket ended first); waiting to reap it.
        case lost

        /// Whether the pool ended it, so that its exit is no news.
        var isEndedByPool: Bool { self == .closing || self == .killed }
    }

    let id: WorkerID
    let pid: pid_t
    let pidfd: PIDDescriptor
    /// The pool's end of the socket, or -1 once closed.
    var socket: Int32
    var state = State.running
    /// Frames not yet accepted by the socket, from `sentCount` on.
    var outgoing: [UInt8] = []
    var sentCount = 0
    /// The descriptors to send with bytes of `outgoing` (offsets in it), in order.
    var attachments: [DescriptorAttachment] = []
    /// The frames of `outgoing` that carry descriptors, in order: what keeps
    /// those open until they are sent, and whose task fails if they cannot go.
    var descriptorFrames: [DescriptorFrame] = []
    /// Whether the socket is registered for writability (after a short write).
    var isWatchingWritable = false
    /// Whether the worker said it runs jobs (its initializer, if any, returned).
    var isReady = false
    /// How many of the program's job libraries the worker was told to load
    /// (``JobLibraryCatalog``).
    var librariesSent = 0
    /// How many of the pool's global values the worker was sent (``PoolCore/globals``).
    var globalsSent = 0
    var reader = FrameReader(maximumMessageSize: MemoryLimits.physicalMemory)

    init(id: WorkerID, started: StartedWorker) {
        self.id = id
        self.pid = started.pid
        self.pidfd = started.pidfd
        self.socket = started.socket
    }

    var hasUnsentBytes: Bool { sentCount < outgoing.count }

    /// Forgets every frame waiting to be sent (all sent, or the worker is gone).
    func clearOutgoing(keepingCapacity: Bool = false) {
        outgoing.removeAll(keepingCapacity: keepingCapacity)
        sentCount = 0
        attachments = []
        descriptorFrames = []
    }

    /// Releases the descriptors of frames sent whole.
    func releaseSentDescriptors() {
        while let first = descriptorFrames.first, first.range.upperBound <= sentCount {
            descriptorFrames.removeFirst()
        }
    }

    /// Takes out of `outgoing` a frame of which nothing was sent, with its
    /// attachments; the offsets after it move down.
    func removeUnsentFrame(_ range: Range<Int>) {
        precondition(range.lowerBound >= sentCount, "removing bytes already sent")
        outgoing.removeSubrange(range)
        attachments.removeAll { range.contains($0.offset) }
        descriptorFrames.removeAll { $0.range == range }
        for index in attachments.indices where attachments[index].offset >= range.upperBound {
            attachments[index].offset -= range.count
            attachments[index].end -= range.count
        }
        for index in descriptorFrames.indices where descriptorFrames[index].range.lowerBound >= range.upperBound {
            let frame = descriptorFrames[index].range
            descriptorFrames[index].range = frame.lowerBound - range.count..<frame.upperBound - range.count
        }
    }
}

/// A frame of a worker's outgoing bytes that carries descriptors.
struct DescriptorFrame {
    /// Where it lies in the outgoing bytes.
    var range: Range<Int>
    /// Its descriptors (kept open by their owners while this is held).
    let descriptors: OutgoingDescriptors
    /// The task it carries; `nil` for the start message (the initializer's objects).
    let task: TaskRecord?
}

/// What an epoll event is about: the wake-up descriptor, or a worker's socket or pidfd.
enum EventSource: Equatable {
    case commands
    case socket(WorkerID)
    case pidfd(WorkerID)

    var rawValue: UInt64 {
        switch self {
        case .commands: 0
        case .socket(let id): UInt64(id.rawValue) << 2 | 1
        case .pidfd(let id): UInt64(id.rawValue) << 2 | 2
        }
    }

    init?(rawValue: UInt64) {
        let id = WorkerID(rawValue: UInt32(truncatingIfNeeded: rawValue >> 2))
        switch rawValue & 3 {
        case 0: self = .commands
        case 1: self = .socket(id)
        case 2: self = .pidfd(id)
        default: return nil
        }
    }
}
