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
    /// Every query of the queue's life, against the schema of ``Migrations/latestVersion``.
    ///
    /// A job's life: a submitter inserts it (`queued`) and notifies the queue's
    /// channel; a worker claims it (`running`, with a lease), renews the lease
    /// while it runs, and records the outcome: `succeeded` or `failed`, which
    /// notifies the submitter's channel, or `queued` again for a retry. The
    /// submitter then collects the outcome; a succeeded row is deleted (and
    /// counted), a failed row stays as the dead-letter record. A running job
    /// whose lease expired goes back to `queued` (or to `failed` after its last
    /// attempt), whoever notices first.
    ///
    /// Channels: `mpq:<queue>` tells a queue's workers that jobs are due (empty
    /// payload) or that running jobs were cancelled (`cancel:<ids>`); each
    /// submitter listens on its own `mpq:r:<uuid>` for `<ids>` that finished.
    /// The text of a statement the queue prepares.
    protocol SQLText {
        static var sql: String { get }
    }

    enum Statements {
        // Each statement is a type, so that it can be prepared once per
        // connection (``Prepared``): parsing and analysing these CTEs costs the
        // server more than running them on a small batch.

        static func jobsChannel(queue: String) -> String { "mpq:\(queue)" }
        static func replyChannel(submitter: String) -> String { "mpq:r:\(submitter)" }
        static let cancelPrefix = "cancel:"

        /// A block of job ids: `nextval` and the sequence's increment.
        enum ReserveIDs: SQLText {
            static let sql = """
                SELECT nextval('multiprocessing_job_ids'), seqincrement
                FROM pg_sequence WHERE seqrelid = 'multiprocessing_job_ids'::regclass
                """
        }

        /// $1 ids, $2 job types, $3 type names, $4 payloads, $5 priorities,
        /// $6 delays (s), $7 unique keys ('' for none), $8 max attempts, $9 queue,
        /// $10 reply channel, $11 jobs channel. Returns the ids inserted (a
        /// duplicate id or unique key is skipped).
        enum Insert: SQLText {
            static let sql = """
                WITH input AS (
                    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::integer[],
                                         $6::float8[], $7::text[], $8::integer[])
                        AS i(id, job_type, type_name, payload, priority, delay, unique_key, max_attempts)
                ), inserted AS (
                    INSERT INTO multiprocessing_jobs
                        (id, queue, job_type, type_name, payload, priority, run_at, unique_key, max_attempts, reply_to)
                    SELECT id, $9, job_type, type_name, payload::json, priority,
                           now() + make_interval(secs => delay), NULLIF(unique_key, ''), max_attempts, $10
                    FROM input
                    ON CONFLICT DO NOTHING
                    RETURNING id
                )
                SELECT id FROM inserted
                WHERE (SELECT count(pg_notify($11, '')) FROM (SELECT 1 FROM inserted LIMIT 1) AS any_inserted) >= 0
                """
        }

        /// $1 ids of jobs inserted before: which of them exist.
        enum Existing: SQLText {
            static let sql = "SELECT id FROM multiprocessing_jobs WHERE id = ANY($1::bigint[])"
        }

        /// $1 queue, $2 how many, $3 worker, $4 lease (s).
        /// Returns id, job type, type name, payload, attempts, max attempts, cancel requested.
        enum Claim: SQLText {
            static let sql = """
                WITH next AS (
                    SELECT id FROM multiprocessing_jobs
                    WHERE queue = $1 AND state = 'queued' AND run_at <= now()
                    ORDER BY priority DESC, run_at, id
                    LIMIT $2
                    FOR UPDATE SKIP LOCKED
                ), claimed AS (
                    UPDATE multiprocessing_jobs AS j
                    SET state = 'running', attempts = j.attempts + 1, worker = $3,
                        lease_expires_at = now() + make_interval(secs => $4)
                    FROM next WHERE j.id = next.id
                    RETURNING j.id, j.job_type, j.type_name, j.payload::text AS payload, j.attempts, j.max_attempts,
                              j.cancel_requested, j.priority, j.run_at
                )
                SELECT id, job_type, type_name, payload, attempts, max_attempts, cancel_requested
                FROM claimed ORDER BY priority DESC, run_at, id
                """
        }

        /// $1 queue: seconds until the next job scheduled for later is due, or NULL.
        enum NextDue: SQLText {
            static let sql = """
                SELECT EXTRACT(EPOCH FROM min(run_at) - now())::float8 FROM multiprocessing_jobs
                WHERE queue = $1 AND state = 'queued' AND run_at > now()
                """
        }

        /// $1 ids held, $2 worker, $3 lease (s). Returns id, cancel requested of
        /// the jobs this worker still holds.
        enum RenewLeases: SQLText {
            static let sql = """
                UPDATE multiprocessing_jobs SET lease_expires_at = now() + make_interval(secs => $3)
                WHERE id = ANY($1::bigint[]) AND worker = $2 AND state = 'running'
                RETURNING id, cancel_requested
                """
        }

        /// Jobs whose lease expired, in every queue: back to `queued` (a cancelled
        /// one is deleted), or `failed` after the last attempt. Returns how many
        /// were moved, and seconds until the next lease expires (NULL: none).
        enum ReapExpiredLeases: SQLText {
            static let sql = """
                WITH expired AS (
                    SELECT id FROM multiprocessing_jobs
                    WHERE state = 'running' AND lease_expires_at < now()
                    FOR UPDATE SKIP LOCKED
                ), dropped AS (
                    DELETE FROM multiprocessing_jobs AS j USING expired AS e
                    WHERE j.id = e.id AND j.cancel_requested
                ), moved AS (
                    UPDATE multiprocessing_jobs AS j
                    SET state = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,
                        worker = NULL, lease_expires_at = NULL, run_at = now(),
                        finished_at = CASE WHEN j.attempts >= j.max_attempts THEN now() END,
                        error = CASE WHEN j.attempts >= j.max_attempts
                            THEN json_build_object('code', 'attemptsExhausted', 'message',
                                format('its worker (%s) stopped renewing its lease on attempt %s of %s',
                                       j.worker, j.attempts, j.max_attempts))
                            ELSE j.error END
                    FROM expired AS e WHERE j.id = e.id AND NOT j.cancel_requested
                    RETURNING j.id, j.queue, j.state, j.reply_to
                ), counted AS (
                    INSERT INTO multiprocessing_queue_counters AS c (queue, retried)
                    SELECT queue, count(*) FROM moved WHERE state = 'queued' GROUP BY queue
                    ON CONFLICT (queue) DO UPDATE SET retried = c.retried + excluded.retried
                )
                SELECT (SELECT count(*) FROM moved)::bigint,
                       (SELECT count(pg_notify(reply_to, ids)) FROM
                           (SELECT reply_to, string_agg(id::text, ',') AS ids FROM moved
                            WHERE state = 'failed' GROUP BY reply_to) AS failed)::bigint,
                       (SELECT count(pg_notify('mpq:' || queue, '')) FROM
                           (SELECT DISTINCT queue FROM moved WHERE state = 'queued') AS requeued)::bigint,
                       (SELECT EXTRACT(EPOCH FROM min(lease_expires_at) - now())::float8 FROM multiprocessing_jobs
                        WHERE state = 'running' AND lease_expires_at >= now())
                """
        }

        /// $1 ids, $2 outcomes (`succeeded`, `failed`, `retry`: queued again
        /// after a delay, `release`: queued again at once, the attempt not
        /// counted), $3 outputs, $4 errors ('' for none), $5 delays (s),
        /// $6 worker, $7 queue, $8 jobs channel. Only rows this worker still
        /// holds change; a cancelled one is deleted. Notifies the submitters.
        enum Complete: SQLText {
            static let sql = """
                WITH input AS (
                    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::float8[])
                        AS i(id, outcome, output, error, delay)
                ), dropped AS (
                    DELETE FROM multiprocessing_jobs AS j USING input AS i
                    WHERE j.id = i.id AND j.worker = $6 AND j.state = 'running' AND j.cancel_requested
                ), finished AS (
                    UPDATE multiprocessing_jobs AS j
                    SET state = CASE WHEN i.outcome IN ('retry', 'release') THEN 'queued' ELSE i.outcome END,
                        attempts = CASE WHEN i.outcome = 'release' THEN j.attempts - 1 ELSE j.attempts END,
                        output = NULLIF(i.output, '')::json,
                        error = COALESCE(NULLIF(i.error, '')::json, CASE WHEN i.outcome = 'release' THEN j.error END),
                        worker = NULL, lease_expires_at = NULL,
                        run_at = CASE WHEN i.outcome IN ('retry', 'release')
                                      THEN now() + make_interval(secs => i.delay) ELSE j.run_at END,
                        finished_at = CASE WHEN i.outcome IN ('retry', 'release') THEN NULL ELSE now() END
                    FROM input AS i
                    WHERE j.id = i.id AND j.worker = $6 AND j.state = 'running' AND NOT j.cancel_requested
                    RETURNING j.id, j.state, j.reply_to, i.outcome
                ), counted AS (
                    INSERT INTO multiprocessing_queue_counters AS c (queue, retried)
                    SELECT $7, count(*) FROM finished WHERE outcome = 'retry' HAVING count(*) > 0
                    ON CONFLICT (queue) DO UPDATE SET retried = c.retried + excluded.retried
                )
                SELECT (SELECT count(pg_notify(reply_to, ids)) FROM
                           (SELECT reply_to, string_agg(id::text, ',') AS ids FROM finished
                            WHERE state <> 'queued' GROUP BY reply_to) AS done)::bigint,
                       (SELECT count(pg_notify($8, '')) FROM
                           (SELECT 1 FROM finished WHERE state = 'queued' LIMIT 1) AS requeued)::bigint
                """
        }

        /// $1 worker, $2 ids it knows it holds: puts back jobs claimed by a
        /// query whose answer was lost with the connection. $3 jobs channel.
        enum ReleaseUnknownClaims: SQLText {
            static let sql = """
                WITH released AS (
                    UPDATE multiprocessing_jobs
                    SET state = 'queued', attempts = attempts - 1, worker = NULL, lease_expires_at = NULL
                    WHERE worker = $1 AND state = 'running' AND NOT (id = ANY($2::bigint[]))
                    RETURNING id
                )
                SELECT count(pg_notify($3, '')) FROM (SELECT 1 FROM released LIMIT 1) AS any_released
                """
        }

        /// $1 ids, $2 queue. Returns id, state, output, error of finished jobs,
        /// and id, 'missing' for jobs without a row; deletes (and counts) the succeeded ones.
        enum Collect: SQLText {
            static let sql = """
                WITH finished AS (
                    SELECT id, state, output::text AS output, error::text AS error FROM multiprocessing_jobs
                    WHERE id = ANY($1::bigint[]) AND state IN ('succeeded', 'failed')
                ), removed AS (
                    DELETE FROM multiprocessing_jobs AS j USING finished AS f
                    WHERE j.id = f.id AND f.state = 'succeeded'
                ), counted AS (
                    INSERT INTO multiprocessing_queue_counters AS c (queue, succeeded)
                    SELECT $2, count(*) FROM finished WHERE state = 'succeeded' HAVING count(*) > 0
                    ON CONFLICT (queue) DO UPDATE SET succeeded = c.succeeded + excluded.succeeded
                )
                SELECT id, state, output, error FROM finished
                UNION ALL
                SELECT u.id, 'missing', NULL, NULL FROM unnest($1::bigint[]) AS u(id)
                WHERE NOT EXISTS (SELECT 1 FROM multiprocessing_jobs AS j WHERE j.id = u.id)
                """
        }

        /// $1 ids whose futures were cancelled, $2 jobs channel: deletes queued
        /// (and uncollected) ones, flags running ones and tells their workers.
        enum Cancel: SQLText {
            static let sql = """
                WITH removed AS (
                    DELETE FROM multiprocessing_jobs WHERE id = ANY($1::bigint[]) AND state IN ('queued', 'succeeded')
                ), flagged AS (
                    UPDATE multiprocessing_jobs SET cancel_requested = true
                    WHERE id = ANY($1::bigint[]) AND state = 'running'
                    RETURNING id
                )
                SELECT count(pg_notify($2, 'cancel:' || ids)) FROM
                    (SELECT string_agg(id::text, ',') AS ids FROM flagged HAVING count(*) > 0) AS cancelled
                """
        }

        /// $1 queue. Returns queued, running, succeeded, failed, retried.
        enum Statistics: SQLText {
            static let sql = """
                SELECT count(*) FILTER (WHERE state = 'queued'),
                       count(*) FILTER (WHERE state = 'running'),
                       count(*) FILTER (WHERE state = 'succeeded')
                           + COALESCE((SELECT succeeded FROM multiprocessing_queue_counters WHERE queue = $1), 0),
                       count(*) FILTER (WHERE state = 'failed'),
                       COALESCE((SELECT retried FROM multiprocessing_queue_counters WHERE queue = $1), 0)
                FROM multiprocessing_jobs WHERE queue = $1
                """
        }

        /// $1 queue, $2 limit. Returns id, type name, payload, attempts, failed at (epoch s), error.
        enum FailedJobs: SQLText {
            static let sql = """
                SELECT id, type_name, payload::text, attempts, EXTRACT(EPOCH FROM finished_at)::float8, error::text
                FROM multiprocessing_jobs WHERE queue = $1 AND state = 'failed'
                ORDER BY finished_at DESC, id DESC LIMIT $2
                """
        }
    }
#endif
