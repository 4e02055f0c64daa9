import Testing
import Multiprocessing

struct AdvEmptyOutput: Codable, Sendable, Equatable {}

struct AdvMakeEmpty: Job {
    func run() -> AdvEmptyOutput { AdvEmptyOutput() }
}

struct AdvEmptyJob: Job {
    func run() -> [AdvEmptyOutput] { [AdvEmptyOutput(), AdvEmptyOutput()] }
}

/// Zombie children of this process, from /proc.
func advZombieChildren() -> Int {
    let me = getpid()
    guard let dir = opendir("/proc") else { return -1 }
    defer { closedir(dir) }
    var zombies = 0
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard let pid = Int32(name), let file = fopen("/proc/\(pid)/stat", "r") else { continue }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 1024)
        guard fgets(&buffer, 1024, file) != nil else { continue }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { continue }
        let fields = text[text.index(after: close)...].split(separator: " ")
        if fields.count > 1, fields[0] == "Z", Int32(fields[1]) == me { zombies += 1 }
    }
    return zombies
}

extension AdversarialSuites {
    @Suite(.serialized, .timeLimit(.minutes(1)))
    struct AdversarialLifecycleTests {
        @Test func concurrentShutdownsAndTerminates() async throws {
            let pool = try ProcessPool(workers: 2)
            let futures = try (0..<40).map { _ in try pool.submit(AdvSleep(milliseconds: 10)) }
            let outcome = await advWithin(.seconds(30)) {
                await withTaskGroup(of: Void.self) { group in
                    for i in 0..<10 {
                        group.addTask {
                            if i == 5 { pool.terminate() } else { await pool.shutdown() }
                        }
                    }
                }
                return true
            }
            guard case .value = outcome else { Issue.record("concurrent shutdown/terminate: \(outcome)"); return }
            for future in futures {
                do { _ = try future.wait(timeout: .seconds(5)) } catch JobError.shutDown {} catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }

        @Test func droppedIdlePoolsLeaveNoZombiesOrDescriptors() async throws {
            let descriptors = advOpenDescriptors()
            for _ in 0..<10 {
                _ = try ProcessPool(workers: 2)
            }
            var clean = false
            for _ in 0..<200 {
                if advZombieChildren() == 0 && advOpenDescriptors() - descriptors < 4 { clean = true; break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(clean, "zombies \(advZombieChildren()), descriptors \(descriptors) -> \(advOpenDescriptors())")
        }

        @Test func zeroSizedOutputs() async throws {
            let pool = try ProcessPool(workers: 1)
            #expect(try await pool.run(AdvMakeEmpty()) == AdvEmptyOutput())
            #expect(try await pool.map((0..<100).map { _ in AdvMakeEmpty() }).count == 100)
            #expect(try await pool.run(AdvEmptyJob()).count == 2)
            await pool.shutdown()
        }

        @Test func threadPoolDroppedWithQueuedWork() throws {
            var futures: [JobFuture<Int>] = []
            do {
                let pool = ThreadPool(threads: 2)
                futures = (0..<100).map { i in pool.submit { usleep(100); return i } }
            }
            for (i, future) in futures.enumerated() {
                do {
                    #expect(try future.wait(timeout: .seconds(10)) == i)
                } catch JobError.shutDown {
                    // Also acceptable: a dropped pool fails what it never ran.
                } catch {
                    Issue.record("future \(i): \(error)")
                }
            }
        }
    }
}
