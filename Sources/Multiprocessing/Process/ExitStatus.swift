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

/// How a process ended: it exited with a code, or a signal killed it.
///
/// ```swift
/// switch try child.join() {
/// case .exited(0): print("success")
/// case .exited(let code): print("failed with \(code)")
/// case .signaled(let number): print("killed by \(Signal(rawValue: number))")
/// }
/// ```
///
/// ``signal`` gives the ``Signal`` of a `.signaled` status (`status.signal == .kill`).
public enum ExitStatus: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The process called `exit` or `_exit` (or returned from `main`) with
    /// this code, truncated by the kernel to 0...255.
    case exited(Int32)
    /// The process was terminated by the signal of this number (`SIGKILL`
    /// is 9, `SIGTERM` 15, a Swift trap raises `SIGILL` or `SIGTRAP`); see
    /// ``signal`` for it as a ``Signal``.
    case signaled(Int32)

    /// Whether the process exited with code 0.
    public var isSuccess: Bool { self == .exited(0) }

    /// Decodes a status in the encoding of `waitpid(2)` (`WIFSIGNALED`,
    /// `WTERMSIG`, `WEXITSTATUS`) of an exited process.
    init(waitStatus status: Int32) {
        self = status & 0x7F != 0 ? .signaled(status & 0x7F) : .exited((status >> 8) & 0xFF)
    }

    /// The signal that killed the process, or `nil` if it exited.
    public var signal: Signal? {
        if case .signaled(let number) = self { return Signal(rawValue: number) }
        return nil
    }

    /// "exited with code 3", or "killed by signal 9 (SIGKILL)".
    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let number): "killed by \(Signal(rawValue: number))"
        }
    }

    /// The conventional name of a signal number, such as `SIGKILL`, or `nil` if unusual.
    /// ``Signal/name`` says the same of a ``Signal``.
    public static func signalName(_ signal: Int32) -> String? {
        Signal(rawValue: signal).name
    }
}
