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

public import SystemPackage

/// Why a ``SharedMemory`` segment (or an object built on one) could not be
/// created, attached, sent or received.
public enum SharedMemoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A segment needs at least one byte (Python raises `ValueError`).
    case invalidSize(Int)
    /// Names are 1 to 255 bytes without `/` and not `.` or `..`; no leading
    /// `/` is needed (Python style).
    case invalidName(String)
    /// ``SharedMemory/init(name:size:)``: a segment of that name exists
    /// (Python's `FileExistsError`). Nothing was created or changed.
    case nameTaken(String)
    /// ``SharedMemory/init(attachingTo:)``: no segment has that name (Python's
    /// `FileNotFoundError`).
    case notFound(String)
    /// An anonymous segment (or an object built on one) was encoded by a
    /// coder that cannot carry descriptors beside the bytes. Anonymous memory
    /// reaches other processes by `fork`, or over a transport that passes
    /// descriptors; a named segment may travel by its name.
    case descriptorTransferUnavailable
    /// A received message refers to a descriptor that did not arrive with it
    /// (or was already claimed by another value of the same message).
    case descriptorMissing
    /// The segment received or attached is not the one described: its file
    /// is smaller than the recorded size, or it holds another kind of object.
    case mismatchedSegment(String)
    /// A system call failed (for example `EMFILE`: too many open descriptors,
    /// or `ENOMEM`).
    case system(operation: String, errno: Errno)

    public var description: String {
        switch self {
        case .invalidSize(let size):
            "a shared memory segment needs a size of at least 1 byte, got \(size)"
        case .invalidName(let name):
            "invalid shared memory name \"\(name)\": use 1 to 255 bytes, no \"/\", not \".\" or \"..\""
        case .nameTaken(let name):
            "a shared memory segment named \"\(name)\" already exists"
        case .notFound(let name):
            "no shared memory segment is named \"\(name)\""
        case .descriptorTransferUnavailable:
            "an anonymous shared memory segment can only travel with its descriptor, and this coder cannot carry one (name the segment, or capture it before fork)"
        case .descriptorMissing:
            "the message refers to a shared memory descriptor that did not arrive with it"
        case .mismatchedSegment(let reason):
            "the shared memory segment does not match what was sent: \(reason)"
        case let .system(operation, errno):
            "\(operation) failed: \(errno)"
        }
    }
}

extension Errno {
    /// This error as a ``SharedMemoryError/system(operation:errno:)``.
    func sharedMemoryError(_ operation: String) -> SharedMemoryError {
        .system(operation: operation, errno: self)
    }
}
