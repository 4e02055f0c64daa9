internal import MultiprocessingPlatform
import Atomics

/// A 32-bit word in shared memory that processes change atomically and
/// wait on with a futex: the building block of every process-shared wait.
///
/// `UnsafeAtomic` (swift-atomics) fits exactly: it is made for atomics at
/// an address the caller manages, which a mapping shared by several
/// processes is, at a different address in each. (`Synchronization.Atomic`
/// is a value with its own storage; it cannot be placed over memory
/// another process initialized.)
struct SharedWord: @unchecked Sendable { // every access is atomic
    let address: UnsafeMutableRawPointer

    init(_ address: UnsafeMutableRawPointer) {
        self.address = address
    }

    @inline(__always)
    private var atomic: UnsafeAtomic<UInt32> {
        UnsafeAtomic(at: address.assumingMemoryBound(to: UInt32.AtomicRepresentation.self))
    }

    @inline(__always)
    func load() -> UInt32 { atomic.load(ordering: .acquiring) }

    @inline(__always)
    func store(_ value: UInt32) { atomic.store(value, ordering: .releasing) }

    /// Adds `delta` (wrapping) and returns the value before.
    @inline(__always) @discardableResult
    func add(_ delta: UInt32) -> UInt32 {
        atomic.loadThenWrappingIncrement(by: delta, ordering: .acquiringAndReleasing)
    }

    /// Replaces the value and returns the one before.
    @inline(__always) @discardableResult
    func exchange(_ value: UInt32) -> UInt32 {
        atomic.exchange(value, ordering: .acquiringAndReleasing)
    }

    /// Sets the bits of `mask`; returns the value before.
    @inline(__always) @discardableResult
    func setBits(_ mask: UInt32) -> UInt32 {
        atomic.loadThenBitwiseOr(with: mask, ordering: .acquiringAndReleasing)
    }

    /// Clears the bits of `mask`; returns the value before.
    @inline(__always) @discardableResult
    func clearBits(_ mask: UInt32) -> UInt32 {
        atomic.loadThenBitwiseAnd(with: ~mask, ordering: .acquiringAndReleasing)
    }

    /// Replaces `expected` with `desired`; returns whether it did and the value found.
    @inline(__always)
    func compareExchange(expected: UInt32, desired: UInt32) -> (exchanged: Bool, original: UInt32) {
        atomic.compareExchange(expected: expected, desired: desired, ordering: .acquiringAndReleasing)
    }

    /// Sleeps while the word holds `expected`, until woken or `deadline`.
    func wait(whileEqualTo expected: UInt32, until deadline: Deadline) -> Futex.WaitOutcome {
        Futex.wait(on: address, whileEqualTo: expected, until: deadline)
    }

    /// Wakes up to `count` sleepers, in every process.
    func wake(_ count: Int32 = .max) {
        Futex.wake(address, count: count)
    }
}

/// A word that changes every time something happens ("an element was put",
/// "a task was done"), which others sleep on until it does.
///
/// Bit 0 says someone may be sleeping; the rest counts events. ``signal()``
/// makes a wake-up system call only when that bit is set, and clears it;
/// a sleeper sets it again if it must go on waiting. Nothing records who
/// sleeps, so a sleeper killed in its sleep leaves nothing behind: at worst
/// the next ``signal()`` makes one wake-up call for nobody.
struct ChangeSignal: Sendable {
    private let word: SharedWord

    init(_ address: UnsafeMutableRawPointer) {
        word = SharedWord(address)
    }

    private static let sleepersBit: UInt32 = 1

    /// The count to pass to ``wait(ifUnchangedSince:until:spinning:)``; read
    /// it while holding the lock under which the caller found nothing to do,
    /// so an event after that check cannot be missed.
    @inline(__always)
    func snapshot() -> UInt32 { word.load() & ~Self.sleepersBit }

    /// Sleeps until a ``signal()`` after `observed` or `deadline`. May return
    /// early (re-check under the lock). Returns `false` once the deadline passed.
    ///
    /// It does not spin first: measured here, spinning before the sleep
    /// gained a stream nothing beyond noise and made a round trip between
    /// two processes several times slower on a busy machine (the spinners
    /// take the CPU their peers need).
    func wait(ifUnchangedSince observed: UInt32, until deadline: Deadline) -> Bool {
        let sleeping = observed | Self.sleepersBit
        let (exchanged, current) = word.compareExchange(expected: observed, desired: sleeping)
        guard exchanged || current == sleeping else { return true } // it changed
        return word.wait(whileEqualTo: sleeping, until: deadline) != .timedOut
    }

    /// Records an event and wakes every sleeper, if there is any.
    @inline(__always)
    func signal() {
        if word.add(2) & Self.sleepersBit != 0 {
            word.clearBits(Self.sleepersBit)
            word.wake()
        }
    }

    /// Records an event and wakes every sleeper (for rare events, such as a shutdown).
    func signalAll() {
        word.add(2)
        word.clearBits(Self.sleepersBit)
        word.wake()
    }
}
