/// One unit the pool sends to a worker: a job, or a chunk of jobs of one type
/// from `map`, already encoded, with what to do with the outcome.
///
/// Created by the caller's thread (which encodes the jobs), then owned by the
/// pool's I/O thread, which alone reads and writes `sequence` and `worker`.
class TaskRecord: @unchecked Sendable {
    /// The mangled name of the job type, which the worker resolves.
    let mangledTypeName: String
    /// The job type, for its readable name in errors.
    let jobType: any Any.Type
    /// The batch of jobs (see ``ValueBatch``).
    let payload: [UInt8]
    /// How many jobs the payload holds.
    let jobCount: Int

    /// Set by the I/O thread when the task is sent.
    var sequence: UInt64 = 0
    /// The worker it was sent to, while it is in flight.
    var worker: WorkerID?
    /// Whether the waiting side was moved to running (done once, even if the
    /// task is sent again after its worker was lost).
    var hasBegun = false

    init(mangledTypeName: String, jobType: any Any.Type, payload: [UInt8], jobCount: Int) {
        self.mangledTypeName = mangledTypeName
        self.jobType = jobType
        self.payload = payload
        self.jobCount = jobCount
    }

    var typeName: String { String(reflecting: jobType) }

    var job: JobDescription { JobDescription(typeName: typeName, sequenceNumber: sequence) }

    /// Moves the waiting side to running; `false` if it was cancelled and
    /// must not be sent. `stop` is what cancelling it from now on does.
    func begin(stop: @escaping @Sendable () -> Void) -> Bool { fatalError("abstract") }

    /// The identity of the future that waits for the outcome.
    var futureID: ObjectIdentifier { fatalError("abstract") }

    /// Whether nobody waits for the outcome any more (cancelled).
    var isAbandoned: Bool { fatalError("abstract") }

    /// The worker's answer: the batch of the first `completed` outputs,
    /// and why the next job failed, if one did.
    func deliver(outputs: UnsafeRawBufferPointer, completed: Int, failure: WorkerFailure?) { fatalError("abstract") }

    /// The task failed as a whole (worker crash, timeout, shutdown...).
    func fail(_ error: any Error) { fatalError("abstract") }
}

/// A single job from `submit`: the outcome completes its future.
final class SingleJobTask<J: Job>: TaskRecord, @unchecked Sendable {
    let future = JobFuture<J.Output>()

    init(encoding job: J, mangledTypeName: String) throws {
        var payload: [UInt8] = []
        try encodeJob(job, appendingTo: &payload)
        super.init(mangledTypeName: mangledTypeName, jobType: J.self, payload: payload, jobCount: 1)
    }

    override func begin(stop: @escaping @Sendable () -> Void) -> Bool {
        future.markRunning(stop: stop)
    }

    override var isAbandoned: Bool { future.isDone }

    override var futureID: ObjectIdentifier { ObjectIdentifier(future) }

    override func deliver(outputs: UnsafeRawBufferPointer, completed: Int, failure: WorkerFailure?) {
        if let failure {
            future.complete(with: .failure(ErrorTransport.recreate(failure, job: job)))
            return
        }
        do {
            future.complete(with: .success(try ValueBatch.decode(only: J.Output.self, from: outputs)))
        } catch {
            future.complete(with: .failure(ProcessPoolError.outputDecodingFailed(
                typeName: String(reflecting: J.Output.self), description: String(describing: error))))
        }
    }

    override func fail(_ error: any Error) {
        future.complete(with: .failure(error))
    }
}

/// What a worker produced for a chunk: decoded by the `map` that sent it, on
/// the caller's side, so the I/O thread only moves bytes.
struct ChunkResult: Sendable {
    var outputs: [UInt8]
    var completed: Int
    var failure: (any Error)?
}

/// A chunk of jobs of one type from `map` or `mapUnordered`.
final class ChunkTask: TaskRecord, @unchecked Sendable {
    let future = JobFuture<ChunkResult>()

    init<J: Job>(encoding jobs: ArraySlice<J>, mangledTypeName: String) throws {
        var payload: [UInt8] = []
        try encodeJobs(jobs, appendingTo: &payload)
        super.init(mangledTypeName: mangledTypeName, jobType: J.self, payload: payload, jobCount: jobs.count)
    }

    override func begin(stop: @escaping @Sendable () -> Void) -> Bool {
        future.markRunning(stop: stop)
    }

    override var isAbandoned: Bool { future.isDone }

    override var futureID: ObjectIdentifier { ObjectIdentifier(future) }

    override func deliver(outputs: UnsafeRawBufferPointer, completed: Int, failure: WorkerFailure?) {
        let failure = failure.map { ErrorTransport.recreate($0, job: job) }
        future.complete(with: .success(ChunkResult(outputs: Array(outputs), completed: completed, failure: failure)))
    }

    override func fail(_ error: any Error) {
        future.complete(with: .failure(error))
    }
}
