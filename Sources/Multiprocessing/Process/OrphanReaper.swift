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
internal import Threading

/// Reaps children whose ``ChildProcess`` was dropped while they still ran, so
/// that no child is ever left a zombie.
///
/// One background thread, started the first time a running child is dropped,
/// polls the pidfds of such orphans and an `eventfd` that announces new ones;
/// when a child exits it is reaped and its pidfd closed. The thread holds no
/// lock while it waits, so it does not make a later `fork()` less safe.
final class OrphanReaper: Sendable {
    static let shared = OrphanReaper()

    private enum ThreadState { case notStarted, running }

    private let adopted = LockedState<[PIDDescriptor]>([])
    private let threadState = LockedState(ThreadState.notStarted)
    private let wakeup: WakeupDescriptor

    private init() {
        do {
            wakeup = try WakeupDescriptor()
        } catch {
            preconditionFailure("eventfd failed: \(error)")
        }
    }

    /// Takes ownership of a running child's pidfd: it is reaped and closed once the child exits.
    func adopt(_ descriptor: PIDDescriptor) {
        adopted.withLock { $0.append(descriptor) }
        startThreadIfNeeded()
        wakeup.signal()
    }

    private func startThreadIfNeeded() {
        let mustStart = threadState.withLock { state in
            guard case .notStarted = state else { return false }
            state = .running
            return true
        }
        guard mustStart else { return }
        let thread = PosixThread(name: "orphan-reaper") { OrphanReaper.shared.run() }
        do {
            try thread.start()
        } catch {
            // Out of threads: the orphans wait, and the next adoption tries again.
            threadState.withLock { $0 = .notStarted }
        }
    }

    private func run() -> Never {
        var watched: [PIDDescriptor] = []
        while true {
            watched += adopted.withLock { pending in
                defer { pending.removeAll() }
                return pending
            }
            guard let ready = try? pollReadable([wakeup.rawValue] + watched.map(\.rawValue), until: .distantFuture)
            else {
                continue
            }
            if ready.first == 0 { wakeup.drain() }
            watched.removeAll { descriptor in
                // Still running: keep watching. Reaped, or unreapable (someone
                // else waited for it, e.g. SIGCHLD set to SIG_IGN): let go.
                if case .success(nil) = Result(catching: { () throws(Errno) in try descriptor.reap(blocking: false) }) {
                    return false
                }
                descriptor.close()
                return true
            }
        }
    }
}
