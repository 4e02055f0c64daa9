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

    /// The queue's tables, as a list of versioned migrations.
    ///
    /// Version `n` is reached by running migrations 1 through `n` in order, each
    /// in the transaction that records the new version, under a transaction-level
    /// advisory lock: any number of processes may migrate at once, one does the
    /// work and the others then find nothing to do. A database whose version is
    /// newer than ``latestVersion`` is refused (``PostgresJobQueueError/Code/schemaTooNew``)
    /// rather than used with queries that may no longer fit it. Never edit a
    /// released migration: append a new one.
    enum Migrations {
        /// Statements of each version, in order; `steps[0]` is version 1.
        static let steps: [[String]] = [
            // 1: jobs, their claim order, leases and unique keys.
            [
                """
                CREATE SEQUENCE multiprocessing_job_ids INCREMENT BY \(JobIDBlock.size)
                """,
                """
                CREATE TABLE multiprocessing_jobs (
                    id bigint PRIMARY KEY,
                    queue text NOT NULL,
                    job_type text NOT NULL,
                    type_name text NOT NULL,
                    payload json NOT NULL,
                    state text NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
                    priority integer NOT NULL DEFAULT 0,
                    run_at timestamptz NOT NULL DEFAULT now(),
                    attempts integer NOT NULL DEFAULT 0,
                    max_attempts integer NOT NULL DEFAULT 3,
                    unique_key text,
                    reply_to text NOT NULL,
                    worker text,
                    lease_expires_at timestamptz,
                    output json,
                    error json,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    finished_at timestamptz
                )
                """,
                """
                CREATE INDEX multiprocessing_jobs_claim_order
                    ON multiprocessing_jobs (queue, priority DESC, run_at, id) WHERE state = 'queued'
                """,
                """
                CREATE INDEX multiprocessing_jobs_leases
                    ON multiprocessing_jobs (lease_expires_at) WHERE state = 'running'
                """,
                """
                CREATE UNIQUE INDEX multiprocessing_jobs_unique_keys
                    ON multiprocessing_jobs (queue, unique_key)
                    WHERE unique_key IS NOT NULL AND state IN ('queued', 'running')
                """,
            ],
            // 2: cancelling running jobs; results collected are deleted, and
            //    counted, so statistics outlive the rows; the dead-letter view's index.
            [
                """
                ALTER TABLE multiprocessing_jobs ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false
                """,
                """
                CREATE TABLE multiprocessing_queue_counters (
                    queue text PRIMARY KEY,
                    succeeded bigint NOT NULL DEFAULT 0,
                    retried bigint NOT NULL DEFAULT 0
                )
                """,
                """
                CREATE INDEX multiprocessing_jobs_failed
                    ON multiprocessing_jobs (queue, finished_at DESC) WHERE state = 'failed'
                """,
            ],
        ]

        /// The version this library's queries are written for.
        static var latestVersion: Int { steps.count }

        /// Brings the schema to `target` (the latest by default); returns the
        /// version found before. Safe to run from many processes at once.
        @discardableResult
        static func migrate(
            on connection: PostgresConnection, to target: Int = latestVersion,
            logger: Logger
        ) async throws -> Int {
            precondition((1...latestVersion).contains(target), "no schema version \(target)")
            try await connection.query("BEGIN", logger: logger)
            do {
                // A constant key, shared by every version of this library.
                try await connection.query("SELECT pg_advisory_xact_lock(7236481902837465)", logger: logger)
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS multiprocessing_schema (version integer NOT NULL)", logger: logger)
                let found = try await version(on: connection, logger: logger)
                guard found <= latestVersion else {
                    throw PostgresJobQueueError(
                        .schemaTooNew,
                        "the database's queue schema is version \(found); this library knows versions up to \(latestVersion)"
                    )
                }
                for step in steps.indices where step + 1 > found && step + 1 <= target {
                    for statement in steps[step] {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                }
                if target > found {
                    try await connection.query("DELETE FROM multiprocessing_schema", logger: logger)
                    try await connection.query(
                        "INSERT INTO multiprocessing_schema (version) VALUES (\(target))", logger: logger)
                }
                try await connection.query("COMMIT", logger: logger)
                return found
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }

        /// The schema's version, 0 when it has none.
        static func version(on connection: PostgresConnection, logger: Logger) async throws -> Int {
            let exists = try await connection.query(
                "SELECT to_regclass('multiprocessing_schema') IS NOT NULL", logger: logger
            ).collect()
            guard try exists.first?.decode(Bool.self) == true else { return 0 }
            let rows = try await connection.query("SELECT max(version) FROM multiprocessing_schema", logger: logger)
                .collect()
            return try rows.first?.decode(Int?.self) ?? 0
        }
    }
#endif
