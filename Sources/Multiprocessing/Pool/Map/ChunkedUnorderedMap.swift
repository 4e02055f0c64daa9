internal import Threading
import DequeModule

/// The consumer-driven engine of ``ProcessPool/mapUnordered(_:)``: each
/// `next()` tops up a window of chunks from the input iterator, waits for
/// whichever chunk completes first, and yields its outputs one by one.
///
/// The iterator and the consumer-side fields are only touched by `next()`,
/// which the stream calls from its single consumer one call at a time: that
/// is why this class can be `@unchecked Sendable`.
final class ChunkedUnorderedMap<J: Job>: @unchecked Sendable {
    typealias Output = J.Output
    private typealias Completion = (firstIndex: Int, result: Result<ChunkResult, any Error>)

    private struct State {
        var inFlight: [Int: ChunkTask] = [:] // by the index of their first job
        var completed = Deque<Completion>()
        var waiter: UnsafeContinuation<Void, Never>?
    }

    private let pool: ProcessPool
    private let mangledTypeName: String
    // Consumer-only:
    private var iterator: AnyIterator<J>?
    private var planner: ChunkPlanner
    private var nextIndex = 0
    private var ready = Deque<(index: Int, output: Output)>()
    private var failure: (any Error)?
    // Shared with completion callbacks on the pool's I/O thread:
    private let state = LockedState(State())

    init(pool: ProcessPool, mangledTypeName: String, iterator: AnyIterator<J>, planner: ChunkPlanner) {
        self.pool = pool
        self.mangledTypeName = mangledTypeName
        self.iterator = iterator
        self.planner = planner
    }

    deinit {
        cancelAll() // the stream was dropped: nobody wants the remaining outputs
    }

    func next() async throws -> (index: Int, output: Output)? {
        while true {
            if let output = ready.popFirst() { return output }
            if let failure {
                self.failure = nil
                iterator = nil
                cancelAll()
                throw failure
            }
            do {
                try refill()
            } catch {
                self.failure = error
                continue
            }
            guard let completion = await nextCompletion() else { return nil }
            take(completion)
        }
    }

    /// Moves a chunk's outputs to `ready`, and its failure (or the chunk's own) to `failure`.
    private func take(_ completion: Completion) {
        do {
            let result = try completion.result.get()
            var outputs: [Output] = []
            do {
                try ProcessPool.decode(result, as: Output.self, appendingTo: &outputs)
            } catch {
                failure = error
            }
            for (offset, output) in outputs.enumerated() { ready.append((completion.firstIndex + offset, output)) }
        } catch {
            failure = error
        }
    }

    private func refill() throws {
        while iterator != nil, state.withLock({ $0.inFlight.count + $0.completed.count }) < planner.window {
            let chunk = planner.nextChunk(from: &iterator!)
            if chunk.count < planner.lastSize { iterator = nil }
            if chunk.isEmpty { break }
            let firstIndex = nextIndex
            nextIndex += chunk.count
            let task = try ProcessPool.makeChunk(chunk, mangledTypeName: mangledTypeName)
            state.withLock { $0.inFlight[firstIndex] = task }
            try pool.core.submit(task)
            task.future.whenComplete { [weak self] result in self?.completed(firstIndex, result) }
        }
    }

    private func completed(_ firstIndex: Int, _ result: Result<ChunkResult, any Error>) {
        let waiter: UnsafeContinuation<Void, Never>? = state.withLock { state in
            guard state.inFlight.removeValue(forKey: firstIndex) != nil else { return nil }
            state.completed.append((firstIndex, result))
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The next completed chunk, or `nil` when nothing is in flight any more.
    private func nextCompletion() async -> Completion? {
        while true {
            let (completion, isIdle): (Completion?, Bool) = state.withLock { state in
                (state.completed.popFirst(), state.inFlight.isEmpty)
            }
            if let completion { return completion }
            if isIdle { return nil }
            await withTaskCancellationHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
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
        let tasks = state.withLock { Array($0.inFlight.values) }
        for task in tasks { task.future.cancel() }
    }
}
