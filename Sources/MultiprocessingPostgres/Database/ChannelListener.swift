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
    import PostgresNIO

    /// `LISTEN` on one channel, on a connection of its own, for as long as the
    /// calling task runs: woken by `NOTIFY`, never polling.
    ///
    /// Notifications sent while no connection listens are lost (PostgreSQL keeps
    /// none for absent listeners), so each time listening starts -- the first
    /// time and after every reconnection -- `onListening` runs once `LISTEN` is
    /// in force: the owner then looks for whatever it may have missed.
    enum ChannelListener {
        static func run(
            configuration: PostgresJobQueue.Configuration, role: String, channel: String, logger: Logger,
            onListening: @Sendable () -> Void,
            onNotification: @Sendable (String) -> Void
        ) async {
            let link = DatabaseLink(configuration: configuration, role: role, logger: logger)
            var pause = Duration.milliseconds(50)
            while !Task.isCancelled {
                do {
                    try await link.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            onListening()
                            pause = .milliseconds(50)
                            for try await notification in notifications {
                                onNotification(notification.payload)
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.debug("\(role): listening on \(channel) stopped: \(error)")
                }
                await link.close()
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(2))
            }
            await link.close()
        }
    }
#endif
