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

/// The consumer-driven engine of the default ``JobExecutor/mapUnordered(_:)``:
/// each `next()` tops up the submitted window from the input iterator, then
/// waits for whichever job completes first.
///
/// The input iterator is only touched by `next()`, which the stream calls
/// from its single consumer one call at a time; that is why this class can be
/// `@unchecked Sendable` although the iterator is not.
final class UnorderedMap<Executor: JobExecutor, J: Job>: @unchecked Sendable {
    typealias Output = J.Output

    private let executor: Executor
    // Consumer-only (see the type's comment):
    private var iterator: AnyIterator<J>?
    private var nextIndex = 0
    private var failed = false
    private let inFlight = CompletionQueue<Output>()

    init(executor: Executor, iterator: AnyIterator<J>) {
        self.executor = executor
        self.iterator = iterator
    }

    deinit {
        // The stream was dropped: nobody wants the remaining outputs.
        inFlight.cancelAll()
    }

    func next() async throws -> (index: Int, output: Output)? {
        guard !failed else { return nil }
        do {
            try refill()
            guard let completion = await inFlight.next() else { return nil }
            return (completion.index, try completion.result.get())
        } catch {
            failed = true
            iterator = nil
            inFlight.cancelAll()
            throw error
        }
    }

    private func refill() throws {
        while inFlight.count < mapWindow, let job = iterator?.next() {
            inFlight.track(try executor.submit(job), index: nextIndex)
            nextIndex += 1
        }
    }
}
