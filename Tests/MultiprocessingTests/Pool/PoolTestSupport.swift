import Testing
@testable import Multiprocessing

/// Checks `condition` every 2 ms, without blocking a thread, until it holds or `timeout` passes.
func eventually(within timeout: Duration = .seconds(3), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return await condition()
}
