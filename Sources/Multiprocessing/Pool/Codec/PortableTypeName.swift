internal import CMultiprocessing

// `_mangledTypeName` names a type declared `private`, or inside a function,
// through an anonymous context that it spells as the context descriptor's
// *address* (`20MyApp13$5619a0c10c40yXZ6SquareV` for `private struct Square`),
// and `_typeByName` cannot look such a name up, not even in the same process.
// So a non-generic struct, enum or class named that way travels as the place
// of its type descriptor instead:
//
//   0x01, the descriptor's offset in its loaded object (hex), 0x00, the
//   object's name as dl_iterate_phdr reports it ("" for the executable)
//
// A worker runs the same executable, so the same descriptor sits at that
// offset from wherever ASLR loaded the object; the worker turns it into the
// type with an indirect symbolic reference to the descriptor (mangling
// `\x02` + a 32-bit relative pointer to a pointer to it), the form compiled
// code hands to the same runtime lookup. Other names travel as they are.

/// Type names that mean the same type in every process running this executable.
enum PortableTypeName {
    private static let descriptorMark: UInt8 = 1

    /// The portable name of `type`, or `nil` if the runtime cannot name it.
    /// A private or local type that is generic, or a generic type over such a
    /// type, keeps its mangled name, which other processes will not find.
    static func of(_ type: any Any.Type) -> String? {
        guard let mangled = _mangledTypeName(type) else { return nil }
        guard mangled.utf8.contains(UInt8(ascii: "$")) else { return mangled }
        return descriptorPlace(of: type) ?? mangled
    }

    /// The type a portable name names in this process, or `nil` if it has none.
    static func type(named name: String) -> (any Any.Type)? {
        guard name.utf8.first == descriptorMark else { return _typeByName(name) }
        return type(atDescriptorPlace: name)
    }

    // MARK: Type descriptors

    /// `MetadataKind` of Swift classes (without Objective-C interop), structs
    /// and enums; `ContextDescriptorKind` of their descriptors.
    private static let classMetadata: UInt = 0, structMetadata: UInt = 0x200, enumMetadata: UInt = 0x201
    private static let descriptorKinds: Set<UInt32> = [16, 17, 18] // class, struct, enum
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

    /// A non-generic struct, enum or class type's descriptor place, or `nil` for other types.
    private static func descriptorPlace(of type: any Any.Type) -> String? {
        let metadata = unsafeBitCast(type, to: UnsafeRawPointer.self)
        guard let field = descriptorOffset(ofMetadataKind: metadata.load(as: UInt.self)) else { return nil }
        let descriptor = metadata.load(fromByteOffset: field, as: UnsafeRawPointer.self)
        guard isPlainTypeDescriptor(descriptor) else { return nil }
        var image: UnsafePointer<CChar>?
        var base: UInt = 0
        guard cmp_image_of_address(UInt(bitPattern: descriptor), &image, &base) == 0, let image else { return nil }
        let offset = String(UInt(bitPattern: descriptor) - base, radix: 16)
        return String(decoding: [descriptorMark], as: UTF8.self) + offset + "\0" + String(cString: image)
    }

    private static func type(atDescriptorPlace name: String) -> (any Any.Type)? {
        let fields = name.utf8.dropFirst().split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        guard fields.count == 2, let offset = UInt(String(decoding: fields[0], as: UTF8.self), radix: 16) else { return nil }
        let image = String(decoding: fields[1], as: UTF8.self)
        var base: UInt = 0
        guard cmp_image_base(image, &base) == 0 else { return nil }
        // Only follow an address that lies inside that very object.
        var holder: UnsafePointer<CChar>?
        var holderBase: UInt = 0
        let address = base &+ offset
        guard cmp_image_of_address(address, &holder, &holderBase) == 0, holderBase == base,
              let descriptor = UnsafeRawPointer(bitPattern: address), isPlainTypeDescriptor(descriptor) else { return nil }
        return typeByIndirectSymbolicReference(to: descriptor)
    }

    /// Whether `descriptor` is a non-generic class, struct or enum descriptor (its flags word).
    private static func isPlainTypeDescriptor(_ descriptor: UnsafeRawPointer) -> Bool {
        let flags = descriptor.load(as: UInt32.self)
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
        return _getTypeByMangledNameInContext(reference.assumingMemoryBound(to: UInt8.self), 5,
                                              genericContext: nil, genericArguments: nil)
    }
}
