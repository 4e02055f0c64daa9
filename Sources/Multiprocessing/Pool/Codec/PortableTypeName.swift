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

internal import CMultiprocessing

// `_mangledTypeName` names a type declared `private`, or inside a function,
// through an anonymous context that it spells as the context descriptor's
// *address* (`20MyApp13$5619a0c10c40yXZ6SquareV` for `private struct Square`),
// and `_typeByName` cannot look such a name up, not even in the same process.
// So a non-generic struct, enum or class named that way travels as the place
// of its type descriptor instead, with the name it must have there:
//
//   0x01, the descriptor's offset in its loaded object (hex), 0x00, the
//   object's name as dl_iterate_phdr reports it ("" for the executable), 0x00,
//   the type's place-independent name
//
// A worker runs the same executable, so the same descriptor sits at that
// offset from wherever ASLR loaded the object; the worker turns it into the
// type with an indirect symbolic reference to the descriptor (mangling
// `\x02` + a 32-bit relative pointer to a pointer to it), the form compiled
// code hands to the same runtime lookup. Other names travel as they are.
//
// Finding the descriptor reads type metadata at offsets that are not ABI on
// Linux, so nothing is trusted that the runtime's own answer does not
// confirm: the sender resolves the place it computed and sends it only if it
// gives back the very type; the worker resolves it and accepts the type only
// if its place-independent name (`_mangledTypeName` with every anonymous
// context address replaced by its place in its object) is the one that was
// sent. A mismatch -- another layout, another executable -- makes the lookup
// fail (`ProcessPoolError.jobTypeNotFound`); no bytes are ever decoded as a
// type that was not sent. And no address is followed before
// `dl_iterate_phdr` has shown it lies inside a loaded object.

/// Type names that mean the same type in every process running this executable.
enum PortableTypeName {
    private static let descriptorMark: UInt8 = 1

    /// The portable name of `type`, or `nil` if the runtime cannot name it.
    /// A private or local type that is generic, or a generic type over such a
    /// type, keeps its mangled name, which other processes will not find.
    static func of(_ type: any Any.Type) -> String? {
        guard let mangled = _mangledTypeName(type) else { return nil }
        guard mangled.utf8.contains(UInt8(ascii: "$")),
            let place = descriptorPlace(of: type),
            let name = placeIndependentName(of: type),
            let resolved = Self.type(atDescriptorPlace: place),
            ObjectIdentifier(resolved) == ObjectIdentifier(type)
        else { return mangled }
        return place + "\0" + name
    }

    /// The type a portable name names in this process, or `nil` if it has none.
    static func type(named name: String) -> (any Any.Type)? {
        guard name.utf8.first == descriptorMark else { return _typeByName(name) }
        let fields = name.utf8.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return nil }
        let place = String(decoding: name.utf8[..<fields[1].endIndex], as: UTF8.self)
        guard let type = type(atDescriptorPlace: place),
            placeIndependentName(of: type) == String(decoding: fields[2], as: UTF8.self)
        else { return nil }
        return type
    }

    // MARK: Place-independent names

    /// `_mangledTypeName(type)` with each anonymous context address (`$` and hex
    /// digits) replaced by `@`, its object's name, `+` and its offset there:
    /// the same text in every process running this executable.
    static func placeIndependentName(of type: any Any.Type) -> String? {
        guard let mangled = _mangledTypeName(type) else { return nil }
        var name = ""
        var rest = Substring(mangled)
        while let dollar = rest.firstIndex(of: "$") {
            name += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            let digits = rest.prefix { $0.isASCII && $0.isHexDigit }
            var image: UnsafePointer<CChar>?
            var base: UInt = 0
            guard let address = UInt(digits, radix: 16), cmp_image_of_address(address, &image, &base) == 0,
                let image
            else { return nil }
            name += "@" + String(cString: image) + "+" + String(address - base, radix: 16)
            rest = rest.dropFirst(digits.count)
        }
        return name + rest
    }

    // MARK: Type descriptors

    /// `MetadataKind` of Swift classes (without Objective-C interop), structs
    /// and enums; `ContextDescriptorKind` of their descriptors.
    private static let classMetadata: UInt = 0, structMetadata: UInt = 0x200, enumMetadata: UInt = 0x201
    private static let descriptorKinds: Set<UInt32> = [16, 17, 18]  // class, struct, enum
    private static let genericDescriptorFlag: UInt32 = 0x80

    /// Where the metadata of a kind points to its type descriptor: after the
    /// kind in struct and enum metadata; in class metadata (no Objective-C
    /// interop) after the kind, the superclass, five 32-bit and two 16-bit fields.
    private static func descriptorOffset(ofMetadataKind kind: UInt) -> Int? {
        switch kind {
        case structMetadata, enumMetadata: 8
        case classMetadata: 40
        default: nil
        }
    }

    /// A non-generic struct, enum or class type's descriptor place (the first
    /// two fields of a portable name), or `nil` for other types.
    private static func descriptorPlace(of type: any Any.Type) -> String? {
        let metadata = unsafeBitCast(type, to: UnsafeRawPointer.self)
        guard let field = descriptorOffset(ofMetadataKind: metadata.load(as: UInt.self)) else { return nil }
        let descriptor = metadata.load(fromByteOffset: field, as: UnsafeRawPointer.self)
        var image: UnsafePointer<CChar>?
        var base: UInt = 0
        // Only read a descriptor that lies inside a loaded object.
        guard cmp_image_of_address(UInt(bitPattern: descriptor), &image, &base) == 0, let image,
            isInsideObject(descriptor + MemoryLayout<UInt32>.size - 1, base: base),
            isPlainTypeDescriptor(descriptor)
        else { return nil }
        let offset = String(UInt(bitPattern: descriptor) - base, radix: 16)
        return String(decoding: [descriptorMark], as: UTF8.self) + offset + "\0" + String(cString: image)
    }

    /// The type whose descriptor is at `place` (`descriptorPlace(of:)`), if one is.
    private static func type(atDescriptorPlace place: String) -> (any Any.Type)? {
        let fields = place.utf8.dropFirst().split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        guard fields.count == 2, let offset = UInt(String(decoding: fields[0], as: UTF8.self), radix: 16) else {
            return nil
        }
        let image = String(decoding: fields[1], as: UTF8.self)
        var base: UInt = 0
        guard cmp_image_base(image, &base) == 0 else { return nil }
        // Only follow an address that lies inside that very object.
        let address = base &+ offset
        guard isInsideObject(UnsafeRawPointer(bitPattern: address), base: base),
            isInsideObject(UnsafeRawPointer(bitPattern: address &+ UInt(MemoryLayout<UInt32>.size - 1)), base: base),
            let descriptor = UnsafeRawPointer(bitPattern: address), isPlainTypeDescriptor(descriptor)
        else { return nil }
        return typeByIndirectSymbolicReference(to: descriptor)
    }

    /// Whether `address` lies inside a loaded segment of the object loaded at `base`.
    private static func isInsideObject(_ address: UnsafeRawPointer?, base: UInt) -> Bool {
        var holder: UnsafePointer<CChar>?
        var holderBase: UInt = 0
        return cmp_image_of_address(UInt(bitPattern: address), &holder, &holderBase) == 0 && holderBase == base
    }

    /// Whether `descriptor` is a non-generic class, struct or enum descriptor (its flags word).
    private static func isPlainTypeDescriptor(_ descriptor: UnsafeRawPointer) -> Bool {
        let flags = descriptor.loadUnaligned(as: UInt32.self)
        return descriptorKinds.contains(flags & 0x1F) && flags & genericDescriptorFlag == 0
    }

    private static func typeByIndirectSymbolicReference(to descriptor: UnsafeRawPointer) -> (any Any.Type)? {
        // Bytes 0-4: the mangled name (0x02, then the Int32 distance from byte 1
        // to the pointer); bytes 8-15: the pointer to the descriptor.
        let reference = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
        defer { reference.deallocate() }
        reference.storeBytes(of: 0x02, as: UInt8.self)
        reference.storeBytes(of: Int32(7), toByteOffset: 1, as: Int32.self)
        reference.storeBytes(of: descriptor, toByteOffset: 8, as: UnsafeRawPointer.self)
        return _getTypeByMangledNameInContext(
            reference.assumingMemoryBound(to: UInt8.self), 5,
            genericContext: nil, genericArguments: nil)
    }
}
