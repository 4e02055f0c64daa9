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

// How a worker finds a job's type by itself: the pool sends the type's mangled
// name (`_mangledTypeName`, made portable: see PortableTypeName.swift), the
// worker looks it up in its own executable with `_typeByName` -- the same
// executable, so the same types -- and runs the job through a generic function
// opened on that type. No registration, no change to the user's `main`.

/// A worker's cache of job types resolved from their mangled names.
struct JobTypeRegistry {
    private var cache: [String: any Job.Type] = [:]
    /// The program's plain global variables (a spawned worker's), restored
    /// module by module as job types of those modules arrive.
    var globals = GlobalValues()
    private var restoredModules: Set<String> = []

    /// The job type named `name`, or `nil` if this executable has none.
    mutating func type(named name: String) -> (any Job.Type)? {
        if let known = cache[name] { return known }
        guard let type = PortableTypeName.type(named: name) as? any Job.Type else { return nil }
        cache[name] = type
        restoreGlobals(of: type)
        return type
    }

    /// Copies in the global variables of the modules `type` is made of (a
    /// generic job's arguments included), once per module, before its first job runs.
    private mutating func restoreGlobals(of type: any Job.Type) {
        guard !globals.values.isEmpty else { return }
        for module in modules(of: type) where restoredModules.insert(module).inserted {
            globals.restore(module: module)
        }
    }
}

/// What running a task (one job or a chunk of jobs of one type) produced.
struct TaskOutcome {
    /// How many jobs, from the first, completed; their outputs were appended.
    var completed: Int
    /// Why job number `completed` failed, if one did; later jobs did not run.
    var failure: WorkerFailure?
}

/// Reads the batch of jobs `[J]` in `payload` and runs them in order, each as
/// soon as it is decoded, until one fails to decode, throws, or gives an
/// output that fails to encode; appends the batch of the outputs of those
/// that completed to `out`. The jobs' shared objects take their descriptors
/// from `coding`, and those of the outputs and of a thrown error go to it.
func runJobs<J: Job>(
    _ type: J.Type, payload: UnsafeRawBufferPointer, appendingOutputsTo out: inout [UInt8],
    coding: TaskCoding = TaskCoding()
) -> TaskOutcome {
    let mark = out.count
    var failure: WorkerFailure?
    do {
        let completed = try ValueBatch.read(J.self, from: payload, descriptors: coding.incoming) { jobs in
            ValueBatch.write(J.Output.self, maximumCount: jobs.count, to: &out, descriptors: coding.outgoing) {
                outputs in
                failure = run(J.self, &jobs, appendingOutputsTo: &outputs, errorDescriptors: coding.outgoing)
                return outputs.count
            }
        }
        return TaskOutcome(completed: completed, failure: failure)
    } catch {
        // The batch as a whole is malformed: no job could be read.
        out.removeSubrange(mark...)
        return TaskOutcome(
            completed: 0,
            failure: .jobDecodingFailed(
                typeName: String(reflecting: J.self), description: String(describing: error)))
    }
}

/// Runs the jobs `jobs` reads, appending their outputs, until one fails;
/// returns why (a thrown error's shared objects attach their descriptors to
/// `errorDescriptors`).
private func run<J: Job>(
    _: J.Type, _ jobs: inout ValueBatch.Reader, appendingOutputsTo outputs: inout ValueBatch.Writer,
    errorDescriptors: OutgoingDescriptors?
) -> WorkerFailure? {
    while !jobs.isAtEnd {
        let job: J
        do {
            job = try jobs.next(J.self)
        } catch {
            return .jobDecodingFailed(typeName: String(reflecting: J.self), description: String(describing: error))
        }
        let output: J.Output
        do {
            output = try job.run()
        } catch {
            return ErrorTransport.capture(error, descriptors: errorDescriptors)
        }
        // Outputs that travel as bytes skip `append`, for which generic code
        // looks up `J.Output: Codable` on every call (callgrind).
        if outputs.holdsBytes {
            outputs.appendBytes(output)
            continue
        }
        do {
            try outputs.append(output)
        } catch {
            return .outputEncodingFailed(
                typeName: String(reflecting: J.Output.self), description: String(describing: error))
        }
    }
    return nil
}

/// Appends `jobs` as the batch of a task (their shared objects attach their
/// descriptors to `descriptors`).
func encodeJobs<J: Job>(_ jobs: ArraySlice<J>, appendingTo out: inout [UInt8], descriptors: OutgoingDescriptors? = nil)
    throws
{
    try ValueBatch.append(jobs, to: &out, descriptors: descriptors)
}

/// Appends `job` as the batch of a task of its own (its shared objects
/// attach their descriptors to `descriptors`).
func encodeJob<J: Job>(_ job: J, appendingTo out: inout [UInt8], descriptors: OutgoingDescriptors? = nil) throws {
    try ValueBatch.append(only: job, to: &out, descriptors: descriptors)
}

/// Encodes one job of a type known only at run time as a one-job task batch.
func encodeAnyJob(_ job: any Job, descriptors: OutgoingDescriptors? = nil) throws -> [UInt8] {
    func encode<J: Job>(_ job: J) throws -> [UInt8] {
        var out: [UInt8] = []
        try encodeJob(job, appendingTo: &out, descriptors: descriptors)
        return out
    }
    return try encode(job)
}
