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

extension PosixThread {
    /// Called on a thread whose ``run()`` threw, with the thread and the
    /// error, before the thread ends: Python's `threading.excepthook`.
    ///
    /// The default prints `Error in thread NAME: ERROR` to standard error.
    /// Replace it to log, count or collect such errors; it runs on the
    /// failing thread, and must not throw or block for long. The error is
    /// also kept in the thread's ``error``. (A trap is not an error: it ends
    /// the process.)
    public static var uncaughtErrorHandler: @Sendable (PosixThread, any Error) -> Void {
        get { uncaughtErrorHandlerStorage.withLock { $0 } }
        set { uncaughtErrorHandlerStorage.withLock { $0 = newValue } }
    }

    /// Prints `Error in thread NAME: ERROR` to standard error: the default
    /// ``uncaughtErrorHandler``.
    public static let printUncaughtError: @Sendable (PosixThread, any Error) -> Void = { thread, error in
        var message = "Error in thread \(thread.name): \(error)\n"
        message.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: STDERR_FILENO) }
    }

    private static let uncaughtErrorHandlerStorage = LockedState(printUncaughtError)
}

/// Writes all of `bytes` to `descriptor`, however many writes it takes;
/// gives up quietly on an error (there is nowhere left to report it).
/// The corresponding C function is `write`.
private func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) {
    var remaining = bytes
    while !remaining.isEmpty {
        guard let written = try? valueOrErrno({ write(descriptor, remaining.baseAddress, remaining.count) }) else {
            return
        }
        remaining = UnsafeRawBufferPointer(rebasing: remaining[written...])
    }
}
