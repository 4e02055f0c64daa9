internal import MultiprocessingPlatform

/// The lock of ``ProcessLock`` and ``ProcessRecursiveLock``: a
/// priority-inheritance futex word and three counters, 16 bytes of shared memory.
///
/// ## The protocol
/// The word holds the owner's kernel thread id (0: free), as the kernel's
/// priority-inheritance futexes require. Uncontended, taking and releasing
/// the lock is one compare-and-swap each, in user space (as cheap as a plain
/// mutex). A thread that finds it taken sleeps in `FUTEX_LOCK_PI2`, where
/// the kernel knows the owner.
///
/// ## A dead owner
/// The kernel never leaves a waiter with a dead owner: when an owner exits
/// (its process killed included) while others sleep on the word, the kernel
/// hands the lock to one of them at once; when nobody sleeps, the next taker
/// gets `ESRCH` (the recorded owner does not exist) and takes the word over.
/// Either way the new owner must learn that the previous one died, which
/// the word cannot tell: the counters do. Every owner adds 1 to
/// `acquisitions` once it holds the word, and sets `releases` to match just
/// before it lets go; a new owner that finds them unequal knows its
/// predecessor never finished, reports it, and evens them. (An owner killed
/// in the instant between taking the word and counting had done nothing yet;
/// one killed after evening the counts had finished: neither is reported.)
///
/// Unlike a robust `pthread_mutex_t`, nothing is registered with glibc per
/// acquisition, which is what makes the uncontended path cheap, and nothing
/// points into the mapping after an unlock.
///
/// One limit: if the dead owner's thread id is given to a new thread before
/// anyone takes the lock again (the kernel reuses ids after `pid_max`), a
/// taker waits for that unrelated thread to exit before the kernel hands the
/// lock over (and reports the death).
struct LockWord: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer

    static let size = 16
    private static let ownerMask: UInt32 = 0x3FFF_FFFF

    enum Acquisition: Equatable {
        case acquired, ownerDied, unavailable, alreadyOwned
    }

    init(_ base: UnsafeMutableRawPointer) {
        self.base = base
    }

    private var word: SharedWord { SharedWord(base) }
    private var acquisitions: SharedWord { SharedWord(base + 4) }
    private var releases: SharedWord { SharedWord(base + 8) }
    /// Levels a recursive owner holds (read and written by the owner only).
    var depth: SharedWord { SharedWord(base + 12) }

    /// Whether the calling thread owns the lock.
    @inline(__always)
    var isOwnedByCurrentThread: Bool {
        word.load() & Self.ownerMask == Futex.currentThreadID
    }

    /// Takes the lock before `deadline` (``noWait``: only if free now).
    @inline(__always)
    func lock(until deadline: Deadline) -> Acquisition {
        let me = Futex.currentThreadID
        if word.compareExchange(expected: 0, desired: me).exchanged { return counted() }
        return lockContended(me, until: deadline)
    }

    private func lockContended(_ me: UInt32, until deadline: Deadline) -> Acquisition {
        while true {
            let current = word.load()
            if current & Self.ownerMask == me { return .alreadyOwned }
            if current == 0 {
                if word.compareExchange(expected: 0, desired: me).exchanged { return counted() }
                continue
            }
            let outcome = deadline == noWait
                ? Futex.tryLockPriorityInheriting(word.address)
                : Futex.lockPriorityInheriting(word.address, until: deadline)
            switch outcome {
            case .acquired:
                return counted()
            case .ownerGone:
                // The recorded owner is gone and nobody was handed the lock:
                // take the word over from it.
                if word.compareExchange(expected: current, desired: me).exchanged { return counted() }
            case .unavailable:
                return .unavailable
            case .alreadyOwned:
                return .alreadyOwned
            }
        }
    }

    /// Counts the new ownership; reports a predecessor that never released.
    @inline(__always)
    private func counted() -> Acquisition {
        let taken = acquisitions.load()
        let released = releases.load()
        acquisitions.store(taken &+ 1)
        guard taken == released else {
            releases.store(taken)
            return .ownerDied
        }
        return .acquired
    }

    /// Releases the lock; `false` (changing nothing) if the calling thread does not own it.
    @inline(__always)
    func unlock() -> Bool {
        let me = Futex.currentThreadID
        guard word.load() & Self.ownerMask == me else { return false }
        releases.store(acquisitions.load())
        if !word.compareExchange(expected: me, desired: 0).exchanged {
            Futex.unlockPriorityInheriting(word.address) // someone sleeps on it
        }
        return true
    }
}
