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

package import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

// Reading this process's own executable as ELF (elf(5)): no kept package
// parses ELF symbol tables in Swift, and only the few fields below are needed.

/// A variable of this process's executable, as its symbol table (`.symtab`)
/// names it.
package struct ExecutableVariable: Sendable {
    /// The symbol's name (a Swift name is mangled).
    package var name: String
    /// Where the linker put it; in a running process it is at the
    /// executable's load bias plus this.
    package var linkedAddress: UInt
    /// Its size in bytes.
    package var size: Int
}

/// The variables of this process's executable that lie in its writable data
/// sections (`.data` and `.bss`) and whose names `isWanted` accepts (it sees
/// each name's bytes, without the terminating zero).
///
/// An executable whose symbol table was stripped names none: that is not an
/// error, the result is empty; so is a file that is not a 64-bit ELF file.
///
/// The corresponding C functions are `open("/proc/self/exe", O_RDONLY |
/// O_CLOEXEC)`, `fstat` (``fileIdentity(of:)``) and `mmap(PROT_READ, MAP_PRIVATE)`
/// (``mapReadOnly(_:size:)``).
package func executableVariables(
    where isWanted: (UnsafeBufferPointer<UInt8>) -> Bool
) throws(Errno) -> [ExecutableVariable] {
    let fd = try valueOrErrno { open("/proc/self/exe", O_RDONLY | O_CLOEXEC) }
    defer { closeDescriptor(fd) }
    let size = try fileIdentity(of: fd).size
    guard size > MemoryLayout<Elf64_Ehdr>.size else { return [] }
    let address = try mapReadOnly(fd, size: size)
    defer { unmap(address, size: size) }
    let file = UnsafeRawBufferPointer(start: address, count: size)
    return ELFFile(file)?.variables(where: isWanted) ?? []
}

/// A 64-bit ELF file in memory; every offset it reads is checked against the
/// file's size first.
private struct ELFFile {
    let bytes: UnsafeRawBufferPointer
    let sections: [Elf64_Shdr]
    let sectionNames: Elf64_Shdr

    init?(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        let header = bytes.loadUnaligned(as: Elf64_Ehdr.self)
        let magic = (header.e_ident.0, header.e_ident.1, header.e_ident.2, header.e_ident.3, header.e_ident.4)
        guard magic == (0x7F, 0x45, 0x4C, 0x46, UInt8(ELFCLASS64)),
            Int(header.e_shentsize) == MemoryLayout<Elf64_Shdr>.size,
            header.e_shstrndx < header.e_shnum
        else { return nil }
        let start = Int(header.e_shoff)
        let count = Int(header.e_shnum)
        guard start >= 0, start <= bytes.count, count <= (bytes.count - start) / MemoryLayout<Elf64_Shdr>.size
        else { return nil }
        sections = (0..<count).map {
            bytes.loadUnaligned(fromByteOffset: start + $0 * MemoryLayout<Elf64_Shdr>.size, as: Elf64_Shdr.self)
        }
        sectionNames = sections[Int(header.e_shstrndx)]
    }

    func variables(where isWanted: (UnsafeBufferPointer<UInt8>) -> Bool) -> [ExecutableVariable] {
        guard let table = sections.first(where: { $0.sh_type == SHT_SYMTAB }),
            Int(table.sh_link) < sections.count,
            let symbols = contents(of: table),
            let names = contents(of: sections[Int(table.sh_link)])
        else { return [] }
        let dataSections = Set(
            sections.indices.filter { [".data", ".bss"].contains(name(at: sections[$0].sh_name, in: sectionNames)) })
        var found: [ExecutableVariable] = []
        let stride = MemoryLayout<Elf64_Sym>.size
        for offset in Swift.stride(from: 0, through: symbols.count - stride, by: stride) {
            let symbol = symbols.loadUnaligned(fromByteOffset: offset, as: Elf64_Sym.self)
            guard Int32(symbol.st_info & 0xF) == STT_OBJECT, dataSections.contains(Int(symbol.st_shndx)),
                let name = cString(at: Int(symbol.st_name), in: names), isWanted(name)
            else { continue }
            found.append(
                ExecutableVariable(
                    name: String(decoding: name, as: UTF8.self), linkedAddress: UInt(symbol.st_value),
                    size: Int(symbol.st_size)))
        }
        return found
    }

    /// The bytes a section holds in the file (`nil` for `.bss`-like sections or out of range).
    private func contents(of section: Elf64_Shdr) -> UnsafeRawBufferPointer? {
        guard section.sh_type != SHT_NOBITS, section.sh_offset <= UInt64(bytes.count),
            section.sh_size <= UInt64(bytes.count) - section.sh_offset
        else { return nil }
        return UnsafeRawBufferPointer(
            rebasing: bytes[Int(section.sh_offset)..<Int(section.sh_offset + section.sh_size)])
    }

    private func name(at offset: UInt32, in table: Elf64_Shdr) -> String? {
        contents(of: table).flatMap { cString(at: Int(offset), in: $0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    private func cString(at offset: Int, in table: UnsafeRawBufferPointer) -> UnsafeBufferPointer<UInt8>? {
        guard offset < table.count, let start = table.baseAddress.map({ $0 + offset }) else { return nil }
        let length = strnlen(start.assumingMemoryBound(to: CChar.self), table.count - offset)
        guard length < table.count - offset else { return nil }  // no terminating zero
        return UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: length)
    }
}
