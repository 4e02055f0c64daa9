internal import MultiprocessingPlatform

/// A ``ProcessQueue`` that also counts unfinished tasks, Python's
/// `multiprocessing.JoinableQueue`: consumers mark each element they took
/// with ``taskDone()``, and ``join()`` waits, in any process, until every
/// element put was marked.
///
/// ```swift
/// let work = try JoinableProcessQueue<String>()
/// // consumers, in other processes:
/// while let path = try? work.get() { process(path); work.taskDone() }
/// // the coordinator:
/// for path in paths { try work.put(path) }
/// work.join()          // every path processed
/// work.shutdown()
/// ```
///
/// Everything ``ProcessQueue`` says holds here too. A consumer killed
/// between its get and its ``taskDone()`` leaves that task unfinished for
/// good, so ``join()`` would wait forever: use ``join(timeout:)`` where
/// consumers may die. Calling ``taskDone()`` more times than elements were
/// put traps with a message, as with ``Queue``.
public final class JoinableProcessQueue<Element: Codable & Sendable>: Sendable {
    let segment: QueueSegment

    /// Creates an empty queue (see ``ProcessQueue/init(maxSize:capacityBytes:)``).
    public init(maxSize: Int = 0, capacityBytes: Int = 1 << 20) throws(SharedMemoryError) {
        segment = try QueueSegment(capacity: capacityBytes, maxSize: maxSize, joinable: true, typeName: "JoinableProcessQueue")
    }

    init(memory: SharedMemory) throws(SharedMemoryError) {
        segment = try QueueSegment(memory: memory, joinable: true)
    }

    /// See ``ProcessQueue/maxSize``.
    public var maxSize: Int { segment.maxSize }
    /// See ``ProcessQueue/capacityBytes``.
    public var capacityBytes: Int { segment.capacity }
    /// See ``ProcessQueue/count``.
    public var count: Int { segment.count }
    /// See ``ProcessQueue/isEmpty``.
    public var isEmpty: Bool { count == 0 }
    /// See ``ProcessQueue/isShutdown``.
    public var isShutdown: Bool { segment.isShutDown }

    /// See ``ProcessQueue/put(_:)``.
    public func put(_ element: Element) throws {
        try segment.put(element, until: .distantFuture)
    }

    /// See ``ProcessQueue/put(_:timeout:)``.
    public func put(_ element: Element, timeout: Duration) throws {
        try segment.put(element, until: .after(timeout))
    }

    /// See ``ProcessQueue/tryPut(_:)``.
    @discardableResult
    public func tryPut(_ element: Element) -> Bool {
        (try? segment.put(element, until: noWait)) != nil
    }

    /// See ``ProcessQueue/get()``.
    public func get() throws -> Element {
        try segment.get(Element.self, until: .distantFuture)
    }

    /// See ``ProcessQueue/get(timeout:)``.
    public func get(timeout: Duration) throws -> Element {
        try segment.get(Element.self, until: .after(timeout))
    }

    /// See ``ProcessQueue/tryGet()``.
    public func tryGet() -> Element? {
        try? segment.get(Element.self, until: noWait)
    }

    /// See ``ProcessQueue/get(upTo:timeout:)``.
    public func get(upTo count: Int, timeout: Duration?) throws -> [Element] {
        try segment.get(upTo: count, Element.self, until: timeout.map(Deadline.after) ?? .distantFuture)
    }

    /// See ``ProcessQueue/shutdown(immediate:)``; `immediate` also counts every
    /// dropped element as done, releasing ``join()``.
    public func shutdown(immediate: Bool = false) {
        segment.shutdown(immediate: immediate)
    }

    /// Marks one element taken with `get` as processed. When every element
    /// ever put has been marked, ``join()`` returns in every process.
    public func taskDone() {
        segment.taskDone(typeName: "JoinableProcessQueue")
    }

    /// Blocks until every element put has been marked with ``taskDone()``
    /// (or dropped by an immediate shutdown).
    public func join() {
        _ = segment.join(until: .distantFuture)
    }

    /// Like ``join()``, giving up after `timeout`.
    ///
    /// - Returns: `false` if tasks were still unfinished at the timeout (not an error).
    public func join(timeout: Duration) -> Bool {
        segment.join(until: .after(timeout))
    }
}

extension JoinableProcessQueue: Codable {
    public func encode(to encoder: any Encoder) throws { try segment.memory.encode(to: encoder) }
    public convenience init(from decoder: any Decoder) throws { try self.init(memory: SharedMemory(from: decoder)) }
}
