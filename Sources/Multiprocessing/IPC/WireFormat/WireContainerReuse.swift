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
// cannot say whether a box is shared, so the cache holds the box itself, as
// the container's one stored property (the reference to its box), and asks
// `isKnownUniquelyReferenced`. That relies on a layout the standard library
// does not promise; a probe checks it once per process (a copy of the
// container must make the box shared, dropping the copy unshared again)
// and, were it to fail on some future standard library, nothing is reused:
// coding gets slower, never wrong.

/// Makes copies of a kept container, whose box the cache owns.
///
/// The slot holds the container's bytes without owning them (no retain, no
/// release): the cache's reference to the box keeps it alive. Made from a
/// slot of the right type, a copy costs no runtime metadata lookup, which
/// building a `KeyedEncodingContainer<Key>` in generic code would (about 250
/// instructions, callgrind): the slot finds `Container`'s metadata in itself.
final class WireContainerSlot<Container> {
    private let bits: UnsafeMutableRawPointer

    /// A slot for `container`, whose box someone else keeps alive.
    init(viewing container: Container) {
        bits = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<Container>.size, alignment: MemoryLayout<Container>.alignment)
        withUnsafeBytes(of: container) { bits.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    deinit {
        bits.deallocate()  // the bytes were never owned: nothing to release
    }

    /// A copy of the container (which retains its box).
    func container() -> Container {
        bits.assumingMemoryBound(to: Container.self).pointee
    }
}

/// The reference to its box that `container` holds, if the container is one
/// reference and the probe showed that reading it tells copies apart.
private func box<Container>(of container: Container) -> AnyObject? {
    guard MemoryLayout<Container>.size == MemoryLayout<AnyObject>.size,
        MemoryLayout<Container>.alignment == MemoryLayout<AnyObject>.alignment
    else { return nil }
    return withUnsafeBytes(of: container) { $0.load(as: AnyObject.self) }
}

/// Whether `box(of:)` sees copies of keyed containers come and go: checked
/// once per process.
private let keyedContainerSharingIsVisible: Bool = {
    /// A container's box as the cache would keep it: only the slot's view and
    /// the returned reference remain when this returns.
    @inline(never)
    func keep<Container>(_ make: () -> Container) -> (AnyObject, WireContainerSlot<Container>)? {
        let container = make()
        guard let box = box(of: container) else { return nil }
        return (box, WireContainerSlot(viewing: container))
    }
    @inline(never)
    func sharedWhileCopied<Container>(_ box: inout AnyObject, _ slot: WireContainerSlot<Container>) -> Bool {
        let copy = slot.container()
        return withExtendedLifetime(copy) { !isKnownUniquelyReferenced(&box) }
    }
    func tells<Container>(_ make: () -> Container) -> Bool {
        guard var (box, slot) = keep(make) else { return false }
        return isKnownUniquelyReferenced(&box) && sharedWhileCopied(&box, slot) && isKnownUniquelyReferenced(&box)
    }
    // Containers with cells that belong to no coding: never written or read.
    return tells { KeyedEncodingContainer(WireKeyedEncodingContainer<WireIndexKey>(cell: WireKeyedEncodingCell())) }
        && tells { KeyedDecodingContainer(WireKeyedDecodingContainer<WireIndexKey>(cell: WireKeyedDecodingCell())) }
}()

/// The kept containers of one encoder or decoder state, by key type.
struct WireContainerCache<Cell: AnyObject> {
    private struct Entry {
        let keyType: ObjectIdentifier
        /// The container's box: the cache's one reference to it.
        var box: AnyObject
        /// A `WireContainerSlot` of the container.
        let slot: AnyObject
        /// The container's cell, which the box keeps alive: used without a
        /// retain and release (callgrind: a pair per container handed out).
        let cell: Unmanaged<Cell>
    }

    /// Enough for the key types of a batch's values and of what they nest,
    /// and for recursion a few levels deep; beyond it, containers are made anew.
    private static var capacity: Int { 16 }

    private var entries: [Entry] = []

    /// The index of a kept container for keys of type `keyType` that nothing
    /// else refers to, if there is one. (The entries are not copied out:
    /// that would retain and release each, callgrind.)
    @inline(__always)
    mutating func unshared(for keyType: ObjectIdentifier) -> Int? {
        entries.withUnsafeMutableBufferPointer { entries in
            for index in entries.indices
            where entries[index].keyType == keyType && isKnownUniquelyReferenced(&entries[index].box) {
                return index
            }
            return nil
        }
    }

    /// Calls `body` with the cell of the kept container at `index`.
    @inline(__always)
    func withCell<R>(at index: Int, _ body: (Cell) -> R) -> R {
        entries[index].cell._withUnsafeGuaranteedRef(body)
    }

    /// A copy of the kept container at `index`, which is a `Container`.
    @inline(__always)
    func container<Container>(at index: Int, as _: Container.Type) -> Container {
        unsafeDowncast(entries[index].slot, to: WireContainerSlot<Container>.self).container()
    }

    /// Keeps `container`, which uses `cell`, if there is room and reuse is possible.
    mutating func keep<Container>(_ container: Container, cell: Cell, for keyType: ObjectIdentifier) {
        guard entries.count < Self.capacity, keyedContainerSharingIsVisible, let box = box(of: container) else {
            return
        }
        entries.append(
            Entry(keyType: keyType, box: box, slot: WireContainerSlot(viewing: container), cell: .passUnretained(cell)))
    }

    /// Calls `body` with every kept container's cell. (The entries are not
    /// copied out: every `encode` and `decode` call ends here, and copying
    /// would retain and release each entry's box and slot.)
    func forEachCell(_ body: (Cell) -> Void) {
        entries.withUnsafeBufferPointer { entries in
            for index in entries.indices { entries[index].cell._withUnsafeGuaranteedRef(body) }
        }
    }
}
