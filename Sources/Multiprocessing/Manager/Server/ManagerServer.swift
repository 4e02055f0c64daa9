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
internal import Threading

#if canImport(Glibc)
    import Glibc
#endif

/// A manager's server: accepts authenticated connections on its listener
/// and serves each on a thread of its own (so a client blocked in a queue
/// `get` holds up nobody else), until a `shutdown` request closes the listener.
final class ManagerServer: Sendable {
    private let listener: Listener
    private let store = ManagerStore()

    init(listener: Listener) {
        self.listener = listener
    }

    /// Serves until shut down.
    func serve() {
        while true {
            let connection: Connection
            do {
                connection = try listener.accept()
            } catch .closed {
                return
            } catch {
                // Out of descriptors, say: the connections being served
                // will end; wait a little rather than spin.
                sleep(until: .after(.milliseconds(10)))
                continue
            }
            let thread = PosixThread(name: "mp-manager-conn") { [self] in serve(connection) }
            do {
                try thread.start()
            } catch {
                connection.close()  // no thread for it: the client sees the connection end
            }
        }
    }

    /// Answers `connection`'s requests until it ends.
    private func serve(_ connection: Connection) {
        defer { connection.close() }
        while true {
            var request: Result<ManagerRequest, MalformedMessage>?
            do {
                try connection.receiveFrame { frame in
                    frame.descriptors.discard()
                    request = frame.payload.withBytes { bytes in
                        Result { () throws(MalformedMessage) in try ManagerRequest.read(from: bytes) }
                    }
                }
            } catch {
                return  // the client went away (or sent something that is not a frame)
            }
            switch request! {
            case let .success(request):
                if case .shutdown = request.operation {
                    try? connection.sendFrame { buffer, _ in ManagerReply.done.write(to: &buffer) }
                    listener.close()
                    return
                }
                let reply = reply(to: request, from: connection)
                do {
                    try connection.sendFrame { buffer, _ in reply.write(to: &buffer) }
                } catch {
                    putBack(reply, of: request)
                    return
                }
            case let .failure(error):
                try? connection.sendFrame { buffer, _ in
                    ManagerReply.malformedRequest(error.description).write(to: &buffer)
                }
                return
            }
        }
    }

    private func reply(to request: ManagerRequest, from connection: Connection) -> ManagerReply {
        if case .hello = request.operation { return .processID(getpid()) }
        // A client that closed its end, or sent more while it should wait,
        // is gone: its blocked queue operation gives up.
        return store.perform(request) { (try? connection.poll(timeout: .zero)) != false }
    }

    /// Elements taken for a client that can no longer receive them go back.
    private func putBack(_ reply: ManagerReply, of request: ManagerRequest) {
        switch (request.operation, reply) {
        case let (.queueGet, .value(value)): store.restore([value], toQueue: request.name)
        case let (.queueGetMany, .values(values)): store.restore(values, toQueue: request.name)
        default: break
        }
    }
}

/// The job a manager's server process runs: it adopts the listening socket
/// its owner bound (descriptor `CMP_INHERITED_FD`) and serves until shut down.
struct ManagerServerJob: Job {
    let address: ConnectionAddress
    let authKey: [UInt8]
    let handshakeTimeout: Duration

    func run() throws -> Int32 {
        let listener = try Listener(
            adoptingListeningSocket: ManagerServerHandle.inheritedDescriptor,
            address: address, authKey: authKey, handshakeTimeout: handshakeTimeout)
        ManagerServer(listener: listener).serve()
        return getpid()
    }
}
