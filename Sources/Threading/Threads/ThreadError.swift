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

/// Why a ``PosixThread`` could not be started.
public enum ThreadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// ``PosixThread/start()`` was called on a thread that had already been
    /// started; a thread runs at most once (Python raises `RuntimeError` here).
    case alreadyStarted(name: String)
    /// The system refused to create the thread, with this error number
    /// (`EAGAIN`: a thread or memory limit was reached).
    case creationFailed(name: String, errno: Int32)

    public var description: String {
        switch self {
        case .alreadyStarted(let name):
            "thread '\(name)' was already started; a thread can be started only once"
        case .creationFailed(let name, let errno):
            "thread '\(name)' could not be created: pthread_create failed with error \(errno)"
        }
    }
}
