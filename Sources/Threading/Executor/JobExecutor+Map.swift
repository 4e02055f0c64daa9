import DequeModule

/// How many jobs the default ``JobExecutor/map(_:)`` and
/// ``JobExecutor/mapUnordered(_:)`` keep submitted ahead of the results
/// consumed, so a huge (or endless) input sequence is read lazily.
let mapWindow = 1024

extension JobExecutor {
    /// Runs every job and returns their outputs in input order.
    ///
    /// The input is read lazily: at most a window of jobs (1024) is submitted
    /// ahead of the output awaited. The first failure, in input order, is
    /// thrown and every job not yet started is cancelled; so is everything
    /// when the calling task is cancelled.
    public func map<J: Job>(_ jobs: some Sequence<J>) async throws -> [J.Output] {
        var iterator = jobs.makeIterator()
        var window = Deque<JobFuture<J.Output>>()
        var outputs: [J.Output] = []
        outputs.reserveCapacity(jobs.underestimatedCount)
        do {
            while true {
                while window.count < mapWindow, let job = iterator.next() {
                    window.append(try submit(job))
                }
                guard let future = window.popFirst() else { break }
                // A finished future returns without suspending, so notice a
                // cancelled task here too, not only while suspended.
                if Task.isCancelled {
                    future.cancel()
                    throw JobError.cancelled
                }
                outputs.append(try await future.value)
            }
        } catch {
            for future in window { future.cancel() }
            throw error
        }
        return outputs
    }

    /// Runs every job and yields each output, with its position in the input,
    /// as soon as it is ready: completion order.
    ///
    /// Submission is driven by the consumer: at most a window of jobs (1024)
    /// is in flight beyond what was consumed, so a huge input is read lazily.
    /// The stream throws the first failure to complete and cancels the jobs
    /// not yet started; cancelling the consuming task, or dropping the
    /// stream, cancels them too.
    public func mapUnordered<J: Job>(_ jobs: some Sequence<J>)
        -> AsyncThrowingStream<(index: Int, output: J.Output), any Error>
    {
        let driver = UnorderedMap(executor: self, iterator: AnyIterator(jobs.makeIterator()))
        return AsyncThrowingStream(unfolding: { try await driver.next() })
    }
}
