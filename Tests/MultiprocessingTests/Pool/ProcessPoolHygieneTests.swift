import Foundation
import Testing
@testable import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

// These scenarios run inside a worker of a pool (a fresh, single-threaded copy
// of the test runner), where nothing else opens descriptors or starts children:
// counts are exact there, whatever other tests run in parallel in the runner.

/// What a process holds: open descriptors and live or zombie children.
struct ResourceCount: Codable, Sendable, Equatable {
    var descriptors: Int
    var children: Int

    static func current() -> ResourceCount {
        let me = getpid()
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let children = entries.compactMap { pid_t($0) }.filter { pid in
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")") else { return false }
            let fields = text[text.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == me
        }
        return ResourceCount(descriptors: fds, children: children.count)
    }
}

struct LeakReport: Codable, Sendable {
    var before: ResourceCount
    var after: ResourceCount
    var outputsCorrect: Bool
    var distinctWorkers: Int
    var crashesReported: Int
}

/// Runs 5,000 jobs and 100+ worker replacements on a pool inside a worker.
struct LeakScenario: Job {
    func run() throws -> LeakReport {
        let before = ResourceCount.current()
        var correct = true
        var workers = Set<Int32>()
        var crashes = 0
        do {
            let pool = try ProcessPool(workers: 2, options: .init(maxJobsPerWorker: 50))
            let futures = try (0 ..< 5_000).map { try pool.submit(AddOne(x: $0)) }
            for (index, future) in futures.enumerated() where try future.wait(timeout: .seconds(60)) != index + 1 { correct = false }
            let pids = try (0 ..< 200).map { _ in try pool.submit(WorkerPID()) }
            for future in pids { workers.insert(try future.wait(timeout: .seconds(60))) }
            for _ in 0 ..< 10 {
                do {
                    _ = try pool.submit(Crash(how: .exit)).wait(timeout: .seconds(60))
                } catch ProcessPoolError.workerCrashed {
                    crashes += 1
                }
            }
            pool.shutdown(wait: true)
        }
        return LeakReport(before: before, after: ResourceCount.current(), outputsCorrect: correct,
                          distinctWorkers: workers.count, crashesReported: crashes)
    }
}

/// The inner pool of the parent-death scenario, kept alive in the worker.
nonisolated(unsafe) var innerPool: ProcessPool?

struct StartInnerPool: Job {
    var method: ProcessPool.StartMethod.Coded
    func run() throws -> [Int32] {
        let pool = try ProcessPool(workers: 2, options: .init(startMethod: method.value))
        innerPool = pool
        // One job each so both workers have certainly started.
        _ = try (0 ..< 4).map { try pool.submit(AddOne(x: $0)) }.map { try $0.wait(timeout: .seconds(60)) }
        return pool.workerPIDs + [getpid()]
    }
}

extension ProcessPool.StartMethod {
    enum Coded: String, Codable, Sendable {
        case spawn, fork
        var value: ProcessPool.StartMethod { self == .spawn ? .spawn : .fork }
    }
}

func isGone(_ pid: Int32) -> Bool {
    let state = ProcessInspection.state(of: pid)
    return state == nil || state == "Z" || state == "X"
}

extension ProcessPoolSuites {
    @Suite("ProcessPool hygiene", .timeLimit(.minutes(1)))
    struct ProcessPoolHygieneTests {
        @Test func descriptorsAndChildrenStayFlatOverThousandsOfJobsAndReplacements() async throws {
            let host = try ProcessPool(workers: 1)
            let report = try await host.run(LeakScenario())
            await host.shutdown()
            #expect(report.outputsCorrect)
            #expect(report.distinctWorkers >= 4, "workers were recycled")
            #expect(report.crashesReported == 10)
            #expect(report.before.children == 0)
            #expect(report.after == report.before, "no descriptor or child left behind")
        }

        @Test func shutdownIsPromptWhileAForkedChildHoldsCopiesOfThePoolsSockets() async throws {
            let pool = try ProcessPool(workers: 2)
            #expect(try await pool.run(AddOne(x: 1)) == 2)
            let child = try ChildProcess.fork {
                usleep(3_000_000)
                return 0
            }
            let start = ContinuousClock.now
            await pool.shutdown()
            #expect(ContinuousClock.now - start < .seconds(2), "workers see the end of their input despite the copies")
            child.kill()
            _ = try child.join()
        }

        @Test(arguments: [(SIGKILL, ProcessPool.StartMethod.Coded.spawn), (SIGKILL, .fork), (SIGINT, .spawn), (SIGTERM, .spawn)])
        func workersDieWithTheirParent(signal: Int32, method: ProcessPool.StartMethod.Coded) async throws {
            let host = try ProcessPool(workers: 1)
            var pids = try await host.run(StartInnerPool(method: method))
            let parent = pids.removeLast()
            #expect(pids.count == 2)
            #expect(pids.allSatisfy { !isGone($0) })
            kill(parent, signal)
            let start = ContinuousClock.now
            #expect(await eventually(within: .seconds(1)) { pids.allSatisfy(isGone) },
                    "the inner pool's workers are gone within a second of their parent")
            #expect(ContinuousClock.now - start < .seconds(1))
            #expect(await eventually { !host.workerPIDs.contains(parent) && host.workerPIDs.count == 1 })
            #expect(try await host.run(AddOne(x: 1)) == 2, "the host pool replaced its killed worker")
            await host.shutdown()
        }
    }
}
