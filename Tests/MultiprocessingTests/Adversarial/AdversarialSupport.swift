import Testing
import Multiprocessing

// Helpers for the adversarial tests: every wait is bounded, so a hang shows
// as a failed expectation rather than a test run that never ends.

/// Every adversarial suite, one at a time: the leak checks count this
/// process's descriptors, and pools compete for the machine's CPUs.
@Suite(.serialized, .timeLimit(.minutes(1)))
enum AdversarialSuites {}
