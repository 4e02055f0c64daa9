// Keyed containers made once and handed out again.
//
// `KeyedEncodingContainer(_:)` and `KeyedDecodingContainer(_:)` put the
// coder's own container in a new heap box; made from generic code, one costs
// an allocation, three runtime metadata lookups and a witness-table lookup:
// about 1,100 instructions (callgrind), more than everything else it takes
// to code a small struct. Codings ask for containers of the same key type
// over and over (each job of a batch, each element of an array of structs),
// so the coders keep the containers they make. What a container changes as
// it is used (where it writes, which bytes it reads) lives in a *cell*, an
// object its box holds by reference, so a kept container is pointed at new
// work by updating its cell.
//
// A kept container is handed out again only when nothing but the cache
// refers to its box: a copy that a type kept (in a local that is still
// used, or somewhere on the heap) must go on throwing when it is used too
// late, never write into or read from another value. The standard library
// cannot say whether a box is shared, so `WireContainerSlot` reads the
// container's one stored property, the reference to its box, and asks
// `isKnownUniquelyReferenced`. That relies on a layout the standard library
// does not promise; `WireContainerSlot.canTellSharing` probes it once per
// process (a copy must make the box shared, dropping it unshared again) and,
// were it to fail on some future standard library, nothing is reused: coding
// gets slower, never wrong.

/// A kept container: holds one reference to its box.
protocol WireKeptContainer: AnyObject {
    /// Whether nothing else refers to the container's box.
    var isUnshared: Bool { get }
}

/// Holds a `KeyedEncodingContainer` or `KeyedDecodingContainer` for reuse.
final class WireContainerSlot<Container>: WireKeptContainer {
    // Never accessed across a call into other code: no dynamic exclusivity
    // checks (they cost more than the rest of a lookup, callgrind).
    @exclusivity(unchecked) private var kept: Container

    init(_ container: Container) {
        kept = container
    }

    /// The container, for a coding that asks for one.
    ///
    /// A method rather than a stored property: called on a slot of the right
    /// type, it finds `Container`'s metadata in the slot itself, where reading
    /// the property from generic code would ask the runtime for it (a lookup
    /// of about 250 instructions, callgrind).
    func container() -> Container {
        kept
    }

    var isUnshared: Bool {
        guard MemoryLayout<Container>.size == MemoryLayout<AnyObject>.size,
              MemoryLayout<Container>.alignment == MemoryLayout<AnyObject>.alignment else { return false }
        return withUnsafeMutablePointer(to: &kept) { container in
            isKnownUniquelyReferenced(&UnsafeMutableRawPointer(container).assumingMemoryBound(to: AnyObject.self).pointee)
        }
    }

    /// Whether `isUnshared` tells a shared box from an unshared one in this
    /// process (see the comment at the top of this file).
    static var canTellSharing: Bool { wireContainerSharingIsVisible }
}

/// The probe behind `WireContainerSlot.canTellSharing`, run once per process.
private let wireContainerSharingIsVisible: Bool = {
    /// Whether the slot looks shared while a copy of its container exists
    /// (the copy is gone when this returns).
    @inline(never)
    func looksSharedWhileCopied<Container>(_ slot: WireContainerSlot<Container>) -> Bool {
        let copy = slot.container()
        return withExtendedLifetime(copy) { !slot.isUnshared }
    }
    func tells<Container>(_ make: () -> Container) -> Bool {
        let slot = WireContainerSlot(make())
        return slot.isUnshared && looksSharedWhileCopied(slot) && slot.isUnshared
    }
    // Containers with cells that belong to no coding: never written or read.
    return tells { KeyedEncodingContainer(WireKeyedEncodingContainer<WireIndexKey>(cell: WireKeyedEncodingCell())) }
        && tells { KeyedDecodingContainer(WireKeyedDecodingContainer<WireIndexKey>(cell: WireKeyedDecodingCell())) }
}()

/// The kept containers of one encoder or decoder state, by key type.
struct WireContainerCache<Cell: AnyObject> {
    private struct Entry {
        let keyType: ObjectIdentifier
        let slot: any WireKeptContainer
        let cell: Cell
    }

    /// Enough for the key types of a batch's values and of what they nest,
    /// and for recursion a few levels deep; beyond it, containers are made anew.
    private static var capacity: Int { 16 }

    private var entries: [Entry] = []

    /// A kept container for keys of type `keyType` that nothing else refers
    /// to (its slot, to downcast), and its cell.
    @inline(__always)
    func unshared(for keyType: ObjectIdentifier) -> (slot: AnyObject, cell: Cell)? {
        for entry in entries where entry.keyType == keyType && entry.slot.isUnshared {
            return (entry.slot, entry.cell)
        }
        return nil
    }

    /// Keeps `container`, which uses `cell`, if there is room and reuse is possible.
    mutating func keep<Container>(_ container: Container, cell: Cell, for keyType: ObjectIdentifier) {
        guard entries.count < Self.capacity, WireContainerSlot<Container>.canTellSharing else { return }
        entries.append(Entry(keyType: keyType, slot: WireContainerSlot(container), cell: cell))
    }

    /// Calls `body` with every kept container's cell.
    func forEachCell(_ body: (Cell) -> Void) {
        for entry in entries { body(entry.cell) }
    }
}
