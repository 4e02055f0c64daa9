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

#if Postgres
    internal import Threading

    /// Wakes one task that waits: a notification arrived, room was freed, work
    /// was queued. A signal given while nobody waits is kept (once), so a wake
    /// that comes between a loop's last look and its wait is never lost.
    final class WakeSignal: Sendable {
        private enum State {
            case idle
            case signaled
            case waiting(CheckedContinuation<Void, Never>)
        }

        private let state = LockedState(State.idle)

        /// Wakes the waiter, or lets the next wait return at once.
        func signal() {
            let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
                switch state {
                case .idle, .signaled:
                    state = .signaled
                    return nil
                case .waiting(let continuation):
                    state = .idle
                    return continuation
                }
            }
            waiter?.resume()
        }

        /// Returns once signaled (at once if a signal is pending), or when the
        /// task is cancelled. One waiter at a time.
        func wait() async {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow: Bool = state.withLock { state in
                        switch state {
                        case .signaled:
                            state = .idle
                            return true
                        case .idle:
                            state = .waiting(continuation)
                            return false
                        case .waiting:
                            preconditionFailure("WakeSignal has one waiter at a time")
                        }
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                signal()
            }
        }

        /// Returns once signaled, after `timeout` (if not `nil`), or on cancellation.
        func wait(timeout: Duration?) async {
            guard let timeout else { return await wait() }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    if (try? await Task.sleep(for: timeout)) != nil { self.signal() }
                }
                await wait()
                group.cancelAll()
            }
        }
    }
#endif
