internal import MultiprocessingPlatform

// How a worker finds a job's type by itself: the pool sends the type's mangled
// name (`_mangledTypeName`, made portable: see PortableTypeName.swift), the
// worker looks it up in its own executable with `_typeByName` -- the same
// executable, so the same types -- and runs the job through a generic function
// opened on that type. No registration, no change to the user's `main`.

/// A worker's cache of job types resolved from their mangled names.
struct JobTypeRegistry {
    private var cache: [String: any Job.Type] = [:]
    /// Which output types travel as bytes, judged in this worker.
    var plainOutputTypes = PlainValueTypes()

    /// The job type named `name`, or `nil` if this executable has none.
    mutating func type(named name: String) -> (any Job.Type)? {
        if let known = cache[name] { return known }
        guard let type = PortableTypeName.type(named: name) as? any Job.Type else { return nil }
        cache[name] = type
        return type
    }
}

/// What running a task (one job or a chunk of jobs of one type) produced.
struct TaskOutcome {
    /// How many jobs, from the first, completed; their outputs were appended.
    var completed: Int
    /// Why job number `completed` failed, if one did; later jobs did not run.
    var failure: WorkerFailure?
}

/// Decodes the batch of jobs `[J]` in `payload`, runs them in order until
/// one throws, and appends the batch of outputs `[J.Output]` of those that
/// completed to `out` (as bytes if `plainTypes` accepts the output type).
/// The jobs' shared objects take their descriptors from `coding`, and those
/// of the outputs and of a thrown error go to it.
func runJobs<J: Job>(_ type: J.Type, payload: UnsafeRawBufferPointer, plainTypes: inout PlainValueTypes,
                     appendingOutputsTo out: inout [UInt8], coding: TaskCoding = TaskCoding()) -> TaskOutcome {
    let jobs: [J]
    do {
        jobs = try ValueBatch.decode(J.self, from: payload, descriptors: coding.incoming)
    } catch {
        let name = String(reflecting: J.self)
        return TaskOutcome(completed: 0, failure: .jobDecodingFailed(typeName: name, description: String(describing: error)))
    }
    var outputs: [J.Output] = []
    outputs.reserveCapacity(jobs.count)
    var failure: WorkerFailure?
    for job in jobs {
        do {
            outputs.append(try job.run())
        } catch {
            failure = ErrorTransport.capture(error, descriptors: coding.outgoing)
            break
        }
    }
    let mark = out.count
    do {
        let asBytes = outputs.first.map { plainTypes.qualify($0) } ?? false
        try ValueBatch.append(outputs, asBytes: asBytes, to: &out, descriptors: coding.outgoing)
    } catch {
        out.removeSubrange(mark...)
        let name = String(reflecting: J.Output.self)
        return TaskOutcome(completed: 0, failure: .outputEncodingFailed(typeName: name, description: String(describing: error)))
    }
    return TaskOutcome(completed: outputs.count, failure: failure)
}

/// Appends `jobs` as the batch of a task (as bytes if they are plain values;
/// else their shared objects attach their descriptors to `descriptors`).
func encodeJobs<J: Job>(_ jobs: some Collection<J>, appendingTo out: inout [UInt8],
                        descriptors: OutgoingDescriptors? = nil) throws {
    let asBytes = jobs.first.map { PlainValueTypes.qualifyShared($0) } ?? false
    try ValueBatch.append(jobs, asBytes: asBytes, to: &out, descriptors: descriptors)
}

/// Encodes one job of a type known only at run time as a one-job task batch.
func encodeAnyJob(_ job: any Job, descriptors: OutgoingDescriptors? = nil) throws -> [UInt8] {
    func encode<J: Job>(_ job: J) throws -> [UInt8] {
        var out: [UInt8] = []
        try encodeJobs(CollectionOfOne(job), appendingTo: &out, descriptors: descriptors)
        return out
    }
    return try encode(job)
}
