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

/// What a worker sends the pool. A result's frame carries the descriptors
/// of the shared objects in its outputs and error (`SCM_RIGHTS`, announced
/// by the frame header).
///
/// Layout: kind:u8, then
///   1 result             seq:u64 completed:u32 hasFailure:u8 [failure] outputs:rest
///                        outputs = a `ValueBatch` of the first `completed` outputs;
///                        `failure`, if present, is why job number `completed` failed
///   2 skipped            seq:u64                    a cancelled task was not run
///   3 initializerFailed  failure                    then the worker exits
///   4 ready              the worker runs jobs from now on (its initializer returned)
///
/// A message read from a frame borrows the frame's bytes (`outputs`): it is
/// handled before the next frame is read.
enum WorkerMessage {
    case result(sequence: UInt64, completed: Int, failure: WorkerFailure?, outputs: UnsafeRawBufferPointer)
    case skipped(sequence: UInt64)
    case initializerFailed(WorkerFailure)
    case ready

    /// Appends the message as one frame that announces `descriptors`
    /// descriptors (those of the shared objects in its values).
    func write(to out: inout [UInt8], descriptors: Int = 0) {
        FrameWriter.append(to: &out, descriptors: descriptors) { body in
            switch self {
            case let .result(sequence, completed, failure, outputs):
                body.append(1)
                body.appendInteger(sequence)
                body.appendInteger(UInt32(completed))
                body.append(failure == nil ? 0 : 1)
                failure?.write(to: &body)
                body.append(contentsOf: outputs)
            case let .skipped(sequence):
                body.append(2)
                body.appendInteger(sequence)
            case let .initializerFailed(failure):
                body.append(3)
                failure.write(to: &body)
            case .ready:
                body.append(4)
            }
        }
    }

    /// Reads a message from a frame's payload.
    static func read(from frame: UnsafeRawBufferPointer) throws(MalformedMessage) -> WorkerMessage {
        var cursor = ByteCursor(frame)
        switch try cursor.integer(UInt8.self) {
        case 1:
            let sequence = try cursor.integer(UInt64.self)
            let completed = Int(try cursor.integer(UInt32.self))
            let failure = try cursor.integer(UInt8.self) == 0 ? nil : try WorkerFailure.read(from: &cursor)
            return .result(sequence: sequence, completed: completed, failure: failure, outputs: cursor.rest())
        case 2:
            return .skipped(sequence: try cursor.integer(UInt64.self))
        case 3:
            return .initializerFailed(try WorkerFailure.read(from: &cursor))
        case 4:
            return .ready
        case let kind:
            throw MalformedMessage(description: "unknown message kind \(kind)")
        }
    }
}
