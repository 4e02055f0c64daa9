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

#if canImport(Glibc)
    import Glibc
#endif

/// A POSIX signal: what ``ChildProcess/send(_:)`` sends and what
/// ``ExitStatus/signal`` reports a process was killed by.
///
/// ```swift
/// child.send(.interrupt)                              // as Ctrl-C would
/// if try child.join().signal == .kill { print("killed") }
/// ```
///
/// The named signals are those a program usually sends or sees end a
/// process; any other number is a `Signal(rawValue:)` (real-time signals,
/// say). Comparing with a number is comparing `rawValue`.
public struct Signal: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The signal number, such as `SIGKILL` (9).
    public let rawValue: Int32

    /// The signal numbered `rawValue`. Any number is accepted: for one the
    /// system does not know (`kill(2)`'s `EINVAL`), ``ChildProcess/send(_:)``
    /// sends nothing, and that is not an error.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// `SIGHUP`: the controlling terminal closed.
    public static let hangup = Signal(rawValue: SIGHUP)
    /// `SIGINT`: Ctrl-C at a terminal.
    public static let interrupt = Signal(rawValue: SIGINT)
    /// `SIGQUIT`: Ctrl-\ at a terminal.
    public static let quit = Signal(rawValue: SIGQUIT)
    /// `SIGILL`: an illegal instruction (a Swift trap on x86-64).
    public static let illegalInstruction = Signal(rawValue: SIGILL)
    /// `SIGTRAP`: a breakpoint trap (a Swift trap on arm64).
    public static let trap = Signal(rawValue: SIGTRAP)
    /// `SIGABRT`: `abort()`.
    public static let abort = Signal(rawValue: SIGABRT)
    /// `SIGBUS`: a bad memory access (a misaligned or unmapped file page).
    public static let busError = Signal(rawValue: SIGBUS)
    /// `SIGFPE`: an arithmetic fault (integer division by zero in C).
    public static let floatingPointException = Signal(rawValue: SIGFPE)
    /// `SIGKILL`: stops a process at once; it cannot be handled or ignored.
    public static let kill = Signal(rawValue: SIGKILL)
    /// `SIGUSR1`: the first user-defined signal.
    public static let userDefinedOne = Signal(rawValue: SIGUSR1)
    /// `SIGSEGV`: an invalid memory access.
    public static let segmentationFault = Signal(rawValue: SIGSEGV)
    /// `SIGUSR2`: the second user-defined signal.
    public static let userDefinedTwo = Signal(rawValue: SIGUSR2)
    /// `SIGPIPE`: a write to a pipe or socket nobody reads any more.
    public static let brokenPipe = Signal(rawValue: SIGPIPE)
    /// `SIGALRM`: a timer set with `alarm(2)` expired.
    public static let alarm = Signal(rawValue: SIGALRM)
    /// `SIGTERM`: asks a process to stop; it may handle or ignore it.
    public static let terminate = Signal(rawValue: SIGTERM)
    /// `SIGCONT`: resumes a stopped process.
    public static let resume = Signal(rawValue: SIGCONT)
    /// `SIGTSTP`: Ctrl-Z at a terminal; stops the process unless handled.
    public static let suspend = Signal(rawValue: SIGTSTP)
    /// `SIGWINCH`: the terminal window changed size.
    public static let windowSizeChange = Signal(rawValue: SIGWINCH)

    private static let names: [Signal: String] = [
        .hangup: "SIGHUP", .interrupt: "SIGINT", .quit: "SIGQUIT", .illegalInstruction: "SIGILL",
        .trap: "SIGTRAP", .abort: "SIGABRT", .busError: "SIGBUS", .floatingPointException: "SIGFPE",
        .kill: "SIGKILL", .userDefinedOne: "SIGUSR1", .segmentationFault: "SIGSEGV",
        .userDefinedTwo: "SIGUSR2", .brokenPipe: "SIGPIPE", .alarm: "SIGALRM", .terminate: "SIGTERM",
        .resume: "SIGCONT", .suspend: "SIGTSTP", .windowSizeChange: "SIGWINCH",
    ]

    /// The conventional name, such as `SIGKILL`, or `nil` for a signal not named above.
    public var name: String? { Self.names[self] }

    /// "signal 9 (SIGKILL)", or "signal 42" for a signal without a name.
    public var description: String {
        "signal \(rawValue)" + (name.map { " (\($0))" } ?? "")
    }
}
