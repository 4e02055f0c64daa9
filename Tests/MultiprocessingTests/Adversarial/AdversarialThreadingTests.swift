import Testing
import MultiprocessingTestSupport
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

extension AdversarialSuites {
    @Suite(.timeLimit(.minutes(1)))
    struct AdversarialThreadingTests {
        // MARK: Queue

        @Test func immediateShutdownWakesBlockedGetters() throws {
            let queue = Queue<Int>(maxSize: 2)
            let errors = AdvCounter()
            let getters = (0..<4).map { _ in
                PosixThread {
                    do { _ = try queue.get() } catch QueueError.shutDown { errors.add() } catch {}
                }
            }
            for thread in getters { try thread.start() }
            usleep(50_000)
            queue.shutdown(immediate: true)
            for thread in getters { #expect(thread.join(timeout: .seconds(5))) }
            #expect(errors.value == 4)
            #expect(throws: QueueError.shutDown) { try queue.put(1) }
            #expect(queue.tryPut(1) == false)
            #expect(queue.isShutdown)
        }

        @Test func gracefulShutdownDrainsThenThrows() throws {
            let queue = Queue<Int>(maxSize: 3)
            try queue.put(1); try queue.put(2); try queue.put(3)
            let blockedPut = AdvOnce<String>()
            let putter = PosixThread {
                do { try queue.put(4); blockedPut.set("put") } catch { blockedPut.set("\(error)") }
            }
            try putter.start()
            usleep(50_000)
            queue.shutdown()
            #expect(putter.join(timeout: .seconds(5)))
            #expect(blockedPut.get() == "\(QueueError.shutDown)")
            #expect(try queue.get() == 1)
            #expect(try queue.get(timeout: .zero) == 2)
            #expect(queue.tryGet() == 3)
            #expect(throws: QueueError.shutDown) { _ = try queue.get() }
            #expect(throws: QueueError.shutDown) { _ = try queue.get(timeout: .seconds(1)) }
        }

        @Test func immediateShutdownReleasesJoin() throws {
            let queue = Queue<Int>()
            for i in 0..<10 { try queue.put(i) }
            _ = try queue.get() // taken, never marked done
            let joiner = PosixThread { queue.join() }
            try joiner.start()
            usleep(20_000)
            queue.shutdown(immediate: true)
            // One element was taken and never taskDone: join must still wait for it.
            #expect(joiner.join(timeout: .milliseconds(200)) == false)
            queue.taskDone()
            #expect(joiner.join(timeout: .seconds(5)))
        }

        @Test func boundedQueueTimeouts() throws {
            let queue = LifoQueue<String>(maxSize: 1)
            try queue.put("a")
            #expect(queue.isFull)
            #expect(throws: QueueError.full) { try queue.put("b", timeout: .milliseconds(20)) }
            #expect(throws: QueueError.full) { try queue.put("b", timeout: .zero) }
            #expect(try queue.get() == "a")
            #expect(throws: QueueError.empty) { _ = try queue.get(timeout: .milliseconds(20)) }
            #expect(throws: QueueError.empty) { _ = try queue.get(timeout: .zero) }
        }

        @Test func priorityQueueUnderConcurrency() throws {
            let queue = PriorityQueue<Int>(maxSize: 8)
            let producers = (0..<4).map { p in
                PosixThread { for i in 0..<250 { try? queue.put(p * 1000 + i) } }
            }
            let received = AdvCounter()
            let consumer = PosixThread {
                while (try? queue.get(timeout: .seconds(2))) != nil { received.add() }
            }
            try consumer.start()
            for thread in producers { try thread.start() }
            for thread in producers { #expect(thread.join(timeout: .seconds(20))) }
            #expect(consumer.join(timeout: .seconds(20)))
            #expect(received.value == 1000)
        }

        // MARK: Barrier

        @Test func abortWakesEveryWaiter() throws {
            let barrier = Barrier(parties: 5)
            let broken = AdvCounter()
            let threads = (0..<3).map { _ in
                PosixThread {
                    do { _ = try barrier.wait(timeout: .seconds(20)) } catch BarrierError.broken { broken.add() } catch {}
                }
            }
            for thread in threads { try thread.start() }
            usleep(50_000)
            #expect(barrier.waitingCount == 3)
            barrier.abort()
            for thread in threads { #expect(thread.join(timeout: .seconds(5))) }
            #expect(broken.value == 3)
            #expect(barrier.isBroken)
            #expect(throws: BarrierError.broken) { _ = try barrier.wait(timeout: .seconds(1)) }
            barrier.reset()
            #expect(!barrier.isBroken)
            // Usable again for a full round.
            let indices = AdvCounter()
            let round = (0..<5).map { _ in PosixThread { if (try? barrier.wait(timeout: .seconds(10))) != nil { indices.add() } } }
            for thread in round { try thread.start() }
            for thread in round { #expect(thread.join(timeout: .seconds(15))) }
            #expect(indices.value == 5)
        }

        @Test func barrierManyRounds() throws {
            let barrier = Barrier(parties: 4)
            let passes = AdvCounter()
            let threads = (0..<4).map { _ in
                PosixThread { for _ in 0..<200 { if (try? barrier.wait(timeout: .seconds(10))) != nil { passes.add() } } }
            }
            for thread in threads { try thread.start() }
            for thread in threads { #expect(thread.join(timeout: .seconds(30))) }
            #expect(passes.value == 800)
        }

        @Test func barrierOfOneNeverBlocks() throws {
            let barrier = Barrier(parties: 1)
            #expect(try barrier.wait() == 0)
            #expect(try barrier.wait(timeout: .zero) == 0)
        }

        // MARK: Semaphores

        @Test func boundedSemaphoreOverRelease() throws {
            let semaphore = BoundedSemaphore(value: 2)
            #expect(throws: SemaphoreError.overReleased(bound: 2)) { try semaphore.release() }
            #expect(semaphore.value == 2)
            semaphore.acquire()
            #expect(throws: SemaphoreError.overReleased(bound: 2)) { try semaphore.release(count: 2) }
            #expect(semaphore.value == 1, "a refused release changes nothing")
            try semaphore.release()
            #expect(semaphore.value == 2)
            #expect(semaphore.tryAcquire())
            #expect(semaphore.tryAcquire())
            #expect(!semaphore.tryAcquire())
            #expect(!semaphore.acquire(timeout: .milliseconds(10)))
            try semaphore.release(count: 2)
        }

        @Test func semaphoreWithManyThreads() throws {
            let semaphore = Semaphore(value: 3)
            let inside = AdvCounter()
            let maxInside = AdvCounter()
            let lock = Lock()
            let threads = (0..<10).map { _ in
                PosixThread {
                    for _ in 0..<100 {
                        semaphore.withPermit {
                            let now = inside.add()
                            lock.withLock { if now > maxInside.value { maxInside.add(now - maxInside.value) } }
                            inside.add(-1)
                        }
                    }
                }
            }
            for thread in threads { try thread.start() }
            for thread in threads { #expect(thread.join(timeout: .seconds(20))) }
            #expect(maxInside.value <= 3 && maxInside.value >= 1)
            #expect(inside.value == 0)
        }

        // MARK: Event

        @Test func eventWaitTimeouts() throws {
            let event = Event()
            #expect(event.wait(timeout: .zero) == false)
            #expect(event.wait(timeout: .milliseconds(10)) == false)
            let setter = PosixThread { usleep(20_000); event.set() }
            try setter.start()
            #expect(event.wait(timeout: .seconds(5)))
            #expect(setter.join(timeout: .seconds(5)))
            #expect(event.wait(timeout: .zero))
            event.clear()
            #expect(!event.isSet)
            // Races of set and clear against many waiters: every waiter returns.
            let returned = AdvCounter()
            let waiters = (0..<8).map { _ in PosixThread { _ = event.wait(timeout: .seconds(2)); returned.add() } }
            for thread in waiters { try thread.start() }
            for _ in 0..<100 { event.set(); event.clear() }
            event.set()
            for thread in waiters { #expect(thread.join(timeout: .seconds(5))) }
            #expect(returned.value == 8)
        }

        // MARK: PosixThread

        @Test func startTwiceThrows() throws {
            let thread = PosixThread(name: "adv-twice") {}
            try thread.start()
            #expect(throws: ThreadError.alreadyStarted(name: "adv-twice")) { try thread.start() }
            #expect(thread.join(timeout: .seconds(5)))
            #expect(throws: ThreadError.alreadyStarted(name: "adv-twice")) { try thread.start() }
            #expect(!thread.isAlive)
            thread.join() // a finished thread joins at once, again
            #expect(thread.join(timeout: .zero))
        }

        @Test func joinTimeoutOnANeverEndingThread() throws {
            let stop = Event()
            let thread = PosixThread(name: "adv-forever") { stop.wait() }
            try thread.start()
            let started = ContinuousClock.now
            #expect(thread.join(timeout: .milliseconds(50)) == false)
            #expect(ContinuousClock.now - started >= .milliseconds(45))
            #expect(thread.join(timeout: .zero) == false)
            #expect(thread.isAlive)
            stop.set()
            #expect(thread.join(timeout: .seconds(5)))
            #expect(!thread.isAlive)
        }

        @Test func longAndUnicodeNames() throws {
            let name = "ééééééééééééééé-long-thread-name"
            let seen = AdvOnce<String>()
            let thread = PosixThread(name: name) { seen.set(PosixThread.currentSystemName) }
            try thread.start()
            #expect(thread.join(timeout: .seconds(5)))
            #expect(thread.name == name)
            #expect(seen.get().map { $0.utf8.count <= 15 && name.hasPrefix($0) } == true, "\(String(describing: seen.get()))")
        }

        // MARK: Condition

        @Test func conditionWithARecursiveLockHeldTwice() throws {
            let lock = RecursiveLock()
            let condition = Condition(lock: lock)
            let ready = AdvOnce<Bool>()
            let flag = AdvOnce<Bool>()
            let notifier = PosixThread {
                usleep(30_000)
                condition.withLock {
                    ready.set(true)
                    condition.notifyAll()
                }
            }
            try notifier.start()
            let woke = lock.withLock {
                lock.withLock { // held twice: wait must release both levels
                    condition.wait(timeout: .seconds(5)) { ready.get() == true }
                }
            }
            flag.set(woke)
            #expect(notifier.join(timeout: .seconds(5)), "the notifier could not take the lock: wait released only one level")
            #expect(flag.get() == true)
            // The lock is fully released afterwards.
            let other = PosixThread { lock.withLock {} }
            try other.start()
            #expect(other.join(timeout: .seconds(5)))
        }

        @Test func conditionWaitTimeoutReturnsFalse() throws {
            let condition = Condition()
            let result = condition.withLock { condition.wait(timeout: .milliseconds(20)) }
            #expect(result == false)
            let predicate = condition.withLock { condition.wait(timeout: .zero) { false } }
            #expect(predicate == false)
        }

        // MARK: ThreadPool

        @Test func threadPoolJobsAndShutdown() async throws {
            let pool = ThreadPool(threads: 3)
            #expect(try await pool.map((0..<1000).map { AdvSquare(x: $0) }) == (0..<1000).map { $0 * $0 })
            #expect(try await pool.map([AdvSquare]()).isEmpty)
            let slow = pool.submit { usleep(100_000); return 1 }
            #expect(slow.cancel() == false || slow.isCancelled)
            await pool.shutdown()
            #expect(throws: JobError.shutDown) { _ = try pool.submit(AdvSquare(x: 1)) }
            await pool.shutdown()
        }

        @Test func threadPoolErrorsAreThemselves() async throws {
            let pool = ThreadPool(threads: 2)
            await #expect(throws: AdvEnumError.withPayload(code: 1, reason: "bad 1")) {
                _ = try await pool.run(AdvThrowEnum(code: 1))
            }
            await #expect(throws: AdvOpaqueClassError.self) { _ = try await pool.run(AdvThrowOpaqueClass()) }
            await pool.shutdown()
        }

        @Test func inlineExecutorMapUnorderedEarlyBreak() async throws {
            let executor = InlineExecutor()
            var seen: [Int] = []
            for try await (index, _) in executor.mapUnordered((0..<100).map { AdvSquare(x: $0) }) {
                seen.append(index)
                if seen.count == 3 { break }
            }
            #expect(seen == [0, 1, 2])
            #expect(try await executor.map([AdvSquare(x: 2)]) == [4])
        }
    }
}
