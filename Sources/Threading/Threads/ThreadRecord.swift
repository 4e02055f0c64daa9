//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-multiprocessing open source project
//
// Copyright (c) 2026 the swift-multiprocessing project authors
// Licensed under Apache License v2.0
//
// See LICENSE.txt for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
    import Glibc
#endif

/// What the package keeps for one operating-system thread: the
/// ``PosixThread`` that stands for it and its ``ThreadLocal`` values.
///
/// Made on first use by the thread itself and kept in a pthread key, whose
/// destructor releases it when the thread exits: that is when the thread's
/// thread-local values are released, and when a thread the package did not
/// start (``PosixThread/current`` made a stand-in for it) leaves
/// ``PosixThread/all``. The main thread's record lives until the process ends.
final class ThreadRecord: @unchecked Sendable {
    /// The object standing for this thread; set and read only by the thread itself.
    var thread: PosixThread?
    /// The thread's ``ThreadLocal`` values by local, with the local, so that
    /// each side can forget the other when it goes first.
    private let locals = LockedState<[ObjectIdentifier: LocalSlot]>([:])

    struct LocalSlot {
        let value: AnyObject
        weak var owner: (any ThreadLocalOwner)?
    }

    private init() {}

    deinit {
        let slots = locals.withLock { slots in
            defer { slots.removeAll() }
            return slots
        }
        for slot in slots.values { slot.owner?.threadExited(self) }
        thread?.foreignThreadExited()
        // The values themselves are released here, on the exiting thread.
    }

    /// The calling thread's record, made on first use.
    static var current: ThreadRecord {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<ThreadRecord>.fromOpaque(pointer).takeUnretainedValue()
        }
        let record = ThreadRecord()
        check(pthread_setspecific(key, Unmanaged.passRetained(record).toOpaque()), "pthread_setspecific")
        return record
    }

    /// The key holding each thread's record; its destructor releases the record.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        check(
            pthread_key_create(&key) { pointer in
                guard let pointer else { return }
                Unmanaged<ThreadRecord>.fromOpaque(pointer).release()
            }, "pthread_key_create")
        return key
    }()

    // MARK: Thread-local values

    func localValue(for owner: ObjectIdentifier) -> AnyObject? {
        locals.withLock { $0[owner]?.value }
    }

    func setLocalValue(_ value: AnyObject, for owner: some ThreadLocalOwner) {
        // The replaced value is released after the lock.
        let replaced = locals.withLock {
            $0.updateValue(LocalSlot(value: value, owner: owner), forKey: ObjectIdentifier(owner))
        }
        _ = consume replaced
    }

    /// Drops the value of a local that is going away.
    func removeLocalValue(for owner: ObjectIdentifier) {
        let removed = locals.withLock { $0.removeValue(forKey: owner) }
        _ = consume removed
    }
}

/// A ``ThreadLocal`` as its threads' records see it.
protocol ThreadLocalOwner: AnyObject, Sendable {
    /// A thread that holds a value of this local exited.
    func threadExited(_ record: ThreadRecord)
}
