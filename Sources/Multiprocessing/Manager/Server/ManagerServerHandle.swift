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

internal import CMultiprocessing
internal import MultiprocessingPlatform
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The owner's hold on a manager's server process: it starts it, and stops
/// it on ``stop()`` or when the last object of the owner that needs it (the
/// ``Manager``, a proxy it made) goes away.
///
/// The owner binds the listening socket itself, so that a bad address fails
/// in the owner and clients may connect at once (they wait in the backlog
/// until the server accepts), then hands the socket to the server process,
/// which also removes its socket file when it shuts down. The process is
/// spawned with `diesWithParent`: it dies with its owner, even one killed
/// with `SIGKILL`.
final class ManagerServerHandle: Sendable {
    /// Where the server process finds the listening socket.
    static let inheritedDescriptor = CMP_INHERITED_FD

    let address: ConnectionAddress
    let authKey: [UInt8]
    private let job: SpawnedJob<Int32>
    private let stopped = Atomic<Bool>(false)

    var pid: pid_t { job.pid }

    init(address: ConnectionAddress, authKey: [UInt8], handshakeTimeout: Duration) throws {
        let bound = try ListeningSocket.bind(address, backlog: 128)
        let server = ManagerServerJob(address: bound.address, authKey: authKey, handshakeTimeout: handshakeTimeout)
        do {
            job = try SpawnedJob(server, name: "mp-manager", diesWithParent: true, inheritedDescriptor: bound.socket)
        } catch {
            bound.release()
            throw error
        }
        closeDescriptor(bound.socket)  // the server's now, and so is its socket file
        self.address = bound.address
        self.authKey = authKey
    }

    deinit {
        stop()
    }

    /// Asks the server to shut down and waits for its process to end,
    /// killing it if it has not ended after a few seconds. Idempotent.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if let connection = try? Connection.connect(to: address, authKey: authKey, timeout: .seconds(5)) {
            try? connection.sendFrame { buffer, _ in ManagerRequest(name: "", operation: .shutdown).write(to: &buffer) }
            _ = try? connection.receiveBytes()
            connection.close()
        }
        if (try? job.join(timeout: .seconds(5))) == nil { job.kill() }
        _ = try? job.join()
    }
}
