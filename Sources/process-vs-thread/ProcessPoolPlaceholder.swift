// TEMPORARY — DELETE WHEN `ProcessPool` IS MERGED INTO main.
//
// The demo is written against the ProcessPool API of /work/shared/API.md,
// which lives on the `pool` branch until the lead merges it. This file lets
// the demo branch compile meanwhile: every call throws. A type declared here
// would shadow the real one, so this file must go in the merge.
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

final class ProcessPool: JobExecutor {
    enum StartMethod: Sendable, Hashable { case spawn, fork }
    struct Options: Sendable {
        var startMethod: StartMethod
        init(startMethod: StartMethod = .spawn, maxJobsPerWorker: Int? = nil, jobTimeout: Duration? = nil) {
            self.startMethod = startMethod
        }
    }

    struct NotMerged: Error, CustomStringConvertible {
        var description: String { "ProcessPool is not merged into this branch yet" }
    }

    static let isPlaceholder = true

    init(workers: Int = AvailableProcessors.count, options: Options = .init()) throws { throw NotMerged() }
    var workerPIDs: [pid_t] { [] }
    func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output> { throw NotMerged() }
    func shutdown() async {}
    func terminate() {}
    func shutdown(wait: Bool) {}
}

enum ProcessPoolError: Error {
    case workerCrashed(pid: pid_t, status: ExitStatus, job: String)
}
