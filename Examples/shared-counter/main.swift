// What this teaches: a SharedValue counter that several processes add to
// without a lock (one atomic instruction per add; Python's mp.Value takes a
// lock every time), a SharedArray of results that each worker fills in its
// own slot, and withLock for an update of several fields at once.
//
// The workers here are forked children; with descriptor passing (issue 11,
// item 2) these objects can be stored properties of pool Jobs instead.
//
// Run: swift run shared-counter
import Multiprocessing

struct Stats: Sendable {
    var count = 0
    var largest = 0
}

let processed = try SharedValue(0)                        // lock-free adds
let results = try SharedArray(repeating: 0, count: 4)     // one slot per worker
let stats = try SharedValue(Stats())                      // compound updates under its lock

let workers = try (0..<4).map { index in
    try ChildProcess.fork(name: "worker-\(index)") {
        var sum = 0
        for number in stride(from: index, to: 10_000, by: 4) {
            sum += number * number % 7
            processed.add(1)
        }
        results[index] = sum
        try stats.withLock { stats in
            stats.count += 1
            stats.largest = max(stats.largest, sum)
        }
        return 0
    }
}
for worker in workers { _ = try worker.join() }

print("numbers processed: \(processed.load())")
print("sum per worker:    \(results.toArray())")
print("workers finished:  \(stats.load().count), largest sum \(stats.load().largest)")
precondition(processed.load() == 10_000)
