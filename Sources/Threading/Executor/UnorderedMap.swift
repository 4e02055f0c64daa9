import DequeModule

/// The consumer-driven engine of the default ``JobExecutor/mapUnordered(_:)``:
/// each `next()` tops up the submitted window from the input iterator, then
/// waits for whichever job completes first.
///
/// The input iterator is only touched by `next()`, which the stream calls
/// from its single consumer one call at a time; that is why this class can be
/// `@unchecked Sendable` although the iterator is not.
final class UnorderedMap<Executor: JobExecutor, J: Job>: @unchecked Sendable {
    typealias Output = J.Output
    typealias Completion = (index: Int, result: Result<Output, any Error>)

    private struct State {
        var inFlight: [Int: JobFuture<Output>] = [:]
        var completed = Deque<Completion>()
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let executor: Executor
    // Consumer-only (see the type's comment):
    private var iterator: AnyIterator<J>?
    private var nextIndex = 0
    private var failed = false
    // Shared with completion callbacks on pool threads:
    private let state = LockedState(State())

    init(executor: Executor, iterator: AnyIterator<J>) {
        self.executor = executor
        self.iterator = iterator
    }

    deinit {
        // The stream was dropped: nobody wants the remaining outputs.
        cancelAll()
    }

    func next() async throws -> (index: Int, output: Output)? {
        guard !failed else { return nil }
        do {
            try refill()
            guard let completion = await nextCompletion() else { return nil }
            return (completion.index, try completion.result.get())
        } catch {
            failed = true
            iterator = nil
            cancelAll()
            throw error
        }
    }

    private func refill() throws {
        while state.withLock({ $0.inFlight.count + $0.completed.count }) < mapWindow,
              let job = iterator?.next() {
            let index = nextIndex
            nextIndex += 1
            let future = try executor.submit(job)
            state.withLock { $0.inFlight[index] = future }
            future.whenComplete { [weak self] result in
                self?.completed(index, result)
            }
        }
    }

    private func completed(_ index: Int, _ result: Result<Output, any Error>) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard state.inFlight.removeValue(forKey: index) != nil else { return nil }
            state.completed.append((index, result))
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The next completion, or `nil` when nothing is in flight any more.
    private func nextCompletion() async -> Completion? {
        while true {
            let (completion, isIdle): (Completion?, Bool) = state.withLock { state in
                (state.completed.popFirst(), state.inFlight.isEmpty)
            }
            if let completion { return completion }
            if isIdle { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state in
                        if !state.completed.isEmpty || state.inFlight.isEmpty { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                cancelAll()
            }
        }
    }

    private func cancelAll() {
        let futures = state.withLock { Array($0.inFlight.values) }
        for future in futures { future.cancel() }
    }
}
