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
import SystemPackage

// The messages a pool and its workers exchange, one per frame of the IPC
// layer's framing, each written in place into the outgoing buffer (no
// intermediate value, no second copy of a payload). Fields are written with
// the `append` helpers of ByteFields.swift: integers big-endian, strings and
// byte runs as a u32 count then the bytes; "rest" is everything to the end
// of the frame.

/// A batch of jobs of one type, encoded by the codec (`encodeJobs`), with the
/// name a worker finds the type by.
struct EncodedJobs: Sendable {
    /// The job type's portable mangled name (`MangledNames`).
    var mangledTypeName: String
    /// A `ValueBatch` of `[J]`.
    var payload: [UInt8]
}

/// What the pool sends a worker. A task's frame (and a start frame with an
/// initializer) carries the descriptors of the shared objects in its jobs
/// (`SCM_RIGHTS`, announced by the frame header).
///
/// Layout: kind:u8, then
///   1 start   hasInitializer:u8 [typeName:string jobs:rest]
///   2 task    seq:u64 typeName:string jobs:rest
///   3 cancel  seq:u64
///   4 load    count:u32 path:string... (count of them)
///   5 globals count:u32 (module:string address:u64 bytes:bytes)... (``GlobalValues``)
enum ParentMessage {
    /// The first message to every worker: run the pool's initializer, if it
    /// has one, then answer ``WorkerMessage/ready``.
    case start(initializer: EncodedJobs?)
    /// Run these jobs in order and answer with one result.
    case task(sequence: UInt64, jobs: EncodedJobs)
    /// Skip that task if it has not started (answer ``WorkerMessage/skipped(sequence:)``).
    case cancel(sequence: UInt64)
    /// Load these job libraries (``JobLibrary``), in order, before anything
    /// that follows: the program loaded them since the worker was last told.
    case loadLibraries(paths: [String])
    /// Before anything else, to a spawned process: the program's plain
    /// global variables, for the worker to copy into its own before the
    /// first job of each module (see ``GlobalValues``).
    case globals(GlobalValues)

    /// Appends the message as one frame that announces `descriptors`
    /// descriptors (those of the shared objects in its values).
    func write(to out: inout [UInt8], descriptors: Int = 0) {
        FrameWriter.append(to: &out, descriptors: descriptors) { body in
            switch self {
            case let .start(initializer):
                body.append(1)
                body.append(initializer == nil ? 0 : 1)
                if let initializer { Self.append(initializer, to: &body) }
            case let .task(sequence, jobs):
                body.append(2)
                body.appendInteger(sequence)
                Self.append(jobs, to: &body)
            case let .cancel(sequence):
                body.append(3)
                body.appendInteger(sequence)
            case let .loadLibraries(paths):
                body.append(4)
                body.appendInteger(UInt32(paths.count))
                for path in paths { body.appendString(path) }
            case let .globals(values):
                body.append(5)
                values.write(to: &body)
            }
        }
    }

    /// Appends the message as one frame that carries `descriptors` and
    /// returns the attachments that send them with its first bytes (none
    /// when `descriptors` is empty); the caller keeps the descriptors open
    /// until those bytes are sent.
    ///
    /// - Throws: `Errno.invalidArgument` if the frame is too short to carry
    ///   that many (see ``DescriptorAttachment/spreading(_:overMessageAt:count:)``);
    ///   nothing was appended.
    func write(to out: inout [UInt8], carrying descriptors: [Int32]) throws(Errno) -> [DescriptorAttachment] {
        let start = out.count
        write(to: &out, descriptors: descriptors.count)
        guard !descriptors.isEmpty else { return [] }
        do {
            return try DescriptorAttachment.spreading(descriptors, overMessageAt: start, count: out.count - start)
        } catch {
            out.removeSubrange(start...)
            throw error
        }
    }

    /// Reads a message from a frame's payload.
    static func read(from frame: UnsafeRawBufferPointer) throws(MalformedMessage) -> ParentMessage {
        var cursor = ByteCursor(frame)
        switch try cursor.integer(UInt8.self) {
        case 1:
            return .start(initializer: try cursor.integer(UInt8.self) == 0 ? nil : try jobs(from: &cursor))
        case 2:
            let sequence = try cursor.integer(UInt64.self)
            return .task(sequence: sequence, jobs: try jobs(from: &cursor))
        case 3:
            return .cancel(sequence: try cursor.integer(UInt64.self))
        case 4:
            let count = Int(try cursor.integer(UInt32.self))
            // Each path takes at least its 4-byte length: a count beyond that is malformed.
            guard count <= cursor.remaining / 4 else {
                throw MalformedMessage(description: "\(count) library paths announced")
            }
            return .loadLibraries(paths: try (0..<count).map { _ throws(MalformedMessage) in try cursor.string() })
        case 5:
            return .globals(try GlobalValues.read(from: &cursor))
        case let kind:
            throw MalformedMessage(description: "unknown message kind \(kind)")
        }
    }

    private static func append(_ jobs: EncodedJobs, to body: inout [UInt8]) {
        body.appendString(jobs.mangledTypeName)
        body.append(contentsOf: jobs.payload)
    }

    private static func jobs(from cursor: inout ByteCursor) throws(MalformedMessage) -> EncodedJobs {
        let typeName = try cursor.string()
        return EncodedJobs(mangledTypeName: typeName, payload: Array(cursor.rest()))
    }
}
