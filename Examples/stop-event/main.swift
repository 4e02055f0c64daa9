// What this teaches: a ProcessEvent as a stop signal that every worker
// process checks (Python's multiprocessing.Event). isSet is one atomic load,
// cheap enough to check in a hot loop; wait(timeout:) sleeps until the
// event is set, in whichever process sets it.
//
// The workers here are forked children; with descriptor passing (issue 11,
// item 2) the event can be a stored property of pool Jobs instead.
//
// Run: swift run stop-event
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

let stop = try ProcessEvent()
let started = try ProcessSemaphore(value: 0)
let rounds = try SharedArray(repeating: 0, count: 3)

let workers = try (0..<3).map { index in
    try ChildProcess.fork(name: "worker-\(index)") {
        started.release()
        while !stop.isSet {                       // checked every round
            rounds.add(1, at: index)              // a unit of "work"
            if rounds[index] % 1_000 == 0 {
                _ = try stop.wait(timeout: .milliseconds(1))   // or sleep until stopped
            }
        }
        return 0
    }
}

for _ in workers { try started.acquire() }        // every worker is running
usleep(100_000)                                   // let them work a little
stop.set()                                        // one call stops them all
for worker in workers {
    print("\(worker.name): \(try worker.join())")
}
print("rounds of work per worker: \(rounds.toArray())")
precondition(rounds.toArray().allSatisfy { $0 > 0 })
