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

/// One unit the pool sends to a worker: a job, or a chunk of jobs of one type
/// from `map`, already encoded, and what waits for its outcome.
///
/// Created by the caller's thread (which encodes the jobs), then owned by the
/// pool's I/O thread, which alone reads and writes `sequence`, `worker` and
/// `hasBegun`.
final class TaskRecord: @unchecked Sendable {
    let jobs: EncodedJobs
    /// The descriptors of the shared objects in the jobs, `nil` if they hold
    /// none: sent with every frame that carries the task (again if its
    /// worker is lost), and kept open until the task is done.
    let descriptors: OutgoingDescriptors?
    /// The job type, for its readable name in errors.
    let jobType: any Any.Type
    /// How many jobs the payload holds.
    let jobCount: Int
    let waiter: any TaskWaiter

    /// Set by the I/O thread when the task is first sent.
    var sequence: UInt64 = 0
    /// The worker it was sent to, while it is in flight.
    var worker: WorkerID?
    /// Whether the waiting side was moved to running (done once, even if the
    /// task is sent again after its worker was lost).
    var hasBegun = false

    /// Encodes `jobs`, a chunk from `map`, as the codec's batch for `waiter`.
    convenience init<J: Job>(encoding jobs: ArraySlice<J>, mangledTypeName: String, waiter: any TaskWaiter) throws {
        var payload: [UInt8] = []
        let descriptors = Self.descriptorCollector(for: J.self)
        try encodeJobs(jobs, appendingTo: &payload, descriptors: descriptors)
        self.init(
            mangledTypeName: mangledTypeName, payload: payload, descriptors: descriptors, jobType: J.self,
            jobCount: jobs.count, waiter: waiter)
    }

    /// Encodes `job`, from `submit`, as a batch of its own for `waiter`.
    convenience init<J: Job>(encoding job: J, mangledTypeName: String, waiter: any TaskWaiter) throws {
        var payload: [UInt8] = []
        let descriptors = Self.descriptorCollector(for: J.self)
        try encodeJob(job, appendingTo: &payload, descriptors: descriptors)
        self.init(
            mangledTypeName: mangledTypeName, payload: payload, descriptors: descriptors, jobType: J.self,
            jobCount: 1, waiter: waiter)
    }

    private init(
        mangledTypeName: String, payload: [UInt8], descriptors: OutgoingDescriptors?, jobType: any Any.Type,
        jobCount: Int, waiter: any TaskWaiter
    ) {
        self.descriptors = descriptors.flatMap { $0.count > 0 ? $0 : nil }
        self.jobs = EncodedJobs(mangledTypeName: mangledTypeName, payload: payload)
        self.jobType = jobType
        self.jobCount = jobCount
        self.waiter = waiter
    }

    var typeName: String { String(reflecting: jobType) }

    var job: JobDescription { JobDescription(typeName: typeName, sequenceNumber: sequence) }

    /// A collector for the descriptors of jobs of type `J`, or `nil` if they
    /// travel as their bytes (which hold no shared object).
    private static func descriptorCollector<J>(for _: J.Type) -> OutgoingDescriptors? {
        ValueBatch.Form.of(J.self) == .codable ? OutgoingDescriptors() : nil
    }

    /// The worker's answer: the batch of the first `completed` outputs, why
    /// the next job failed, if one did, and the descriptors of the shared
    /// objects in both.
    func deliver(
        outputs: UnsafeRawBufferPointer, completed: Int, failure: WorkerFailure?, descriptors: FrameDescriptors
    ) {
        waiter.deliver(outputs: outputs, completed: completed, failure: failure, descriptors: descriptors) { job }
    }
}

/// What waits for a task's outcome: the future of a single job from
/// `submit`, or of a chunk from `map`.
protocol TaskWaiter: Sendable {
    associatedtype Value: Sendable
    var future: JobFuture<Value> { get }

    /// Completes the future from the worker's answer (`failure` already
    /// re-created as the error the caller sees); the outputs' shared objects
    /// take their descriptors from `descriptors`, which the waiter closes
    /// once they are decoded.
    func deliver(
        outputs: UnsafeRawBufferPointer, completed: Int, failure: (any Error)?, descriptors: IncomingDescriptors?)
}

extension TaskWaiter {
    /// Moves the future to running; `false` if it was cancelled and the task
    /// must not be sent. `stop` is what cancelling it from now on does.
    func begin(stop: @escaping @Sendable () -> Void) -> Bool { future.markRunning(stop: stop) }

    /// Whether nobody waits for the outcome any more (cancelled).
    var isAbandoned: Bool { future.isDone }

    /// The identity of the future that waits for the outcome.
    var futureID: ObjectIdentifier { ObjectIdentifier(future) }

    /// The task failed as a whole (worker crash, timeout, shutdown...).
    func fail(_ error: any Error) { future.complete(with: .failure(error)) }

    /// Completes the future from the worker's answer to `job`: the batch of
    /// the first `completed` outputs, why the next job failed, if one did,
    /// and the descriptors of the shared objects in both.
    ///
    /// `job` is only described if something failed: its type's readable
    /// name comes from `String(reflecting:)`, a runtime walk that cost the
    /// I/O thread about a tenth of its time per job when it was made for
    /// every result.
    func deliver(
        outputs: UnsafeRawBufferPointer, completed: Int, failure: WorkerFailure?,
        descriptors: FrameDescriptors, for job: () -> JobDescription
    ) {
        if case let .failed(error) = descriptors {
            fail(ProcessPoolError.outputDecodingFailed(typeName: job().typeName, description: error.description))
            return
        }
        let failure = failure.map { ErrorTransport.recreate($0, job: job(), descriptors: descriptors.incoming) }
        deliver(outputs: outputs, completed: completed, failure: failure, descriptors: descriptors.incoming)
    }
}

/// A single job from `submit`: its output is decoded on the I/O thread.
struct SingleJobWaiter<Output: Codable & Sendable>: TaskWaiter {
    let future = JobFuture<Output>()

    func deliver(
        outputs: UnsafeRawBufferPointer, completed: Int, failure: (any Error)?, descriptors: IncomingDescriptors?
    ) {
        defer { descriptors?.closeUnclaimed() }
        if let failure {
            future.complete(with: .failure(failure))
            return
        }
        do {
            future.complete(
                with: .success(try ValueBatch.decode(only: Output.self, from: outputs, descriptors: descriptors)))
        } catch {
            future.complete(
                with: .failure(
                    ProcessPoolError.outputDecodingFailed(
                        typeName: String(reflecting: Output.self), description: String(describing: error))))
        }
    }
}

/// What a worker produced for a chunk: decoded by the `map` that sent it, on
/// the caller's side, so the I/O thread only moves bytes.
struct ChunkResult: Sendable {
    var outputs: [UInt8]
    var completed: Int
    var failure: (any Error)?
    /// The descriptors of the outputs' shared objects (closed when this is dropped).
    var descriptors: IncomingDescriptors?
}

/// A chunk of jobs of one type from `map` or `mapUnordered`.
struct ChunkWaiter: TaskWaiter {
    let future = JobFuture<ChunkResult>()

    func deliver(
        outputs: UnsafeRawBufferPointer, completed: Int, failure: (any Error)?, descriptors: IncomingDescriptors?
    ) {
        future.complete(
            with: .success(
                ChunkResult(
                    outputs: Array(outputs), completed: completed, failure: failure,
                    descriptors: descriptors)))
    }
}
