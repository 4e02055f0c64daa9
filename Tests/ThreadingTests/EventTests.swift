import Testing
@testable import Threading

@Suite("Event", .timeLimit(.minutes(1)))
struct EventTests {
    @Test func setReleasesEveryWaiterAtOnce() throws {
        let start = Event()
        let started = Counter()
        let threads = try startThreads(6) { _ in
            start.wait()
            started.increment()
        }
        #expect(!start.isSet)
        usleepMilliseconds(20)
        #expect(started.value == 0, "nobody passes before set()")
        start.set()
        for thread in threads { thread.join() }
        #expect(started.value == 6)
    }

    @Test func timedWaitReportsTheFlag() {
        let event = Event()
        let took = measure { #expect(!event.wait(timeout: .milliseconds(50))) }
        #expect(took >= .milliseconds(45) && took < prompt)
        event.set()
        #expect(event.wait(timeout: .milliseconds(1)))
        #expect(event.isSet)
    }

    @Test func clearLowersTheFlagAgain() {
        let event = Event()
        event.set()
        event.set()  // setting twice is fine
        event.clear()
        #expect(!event.isSet)
        #expect(!event.wait(timeout: .milliseconds(5)))
    }
}
