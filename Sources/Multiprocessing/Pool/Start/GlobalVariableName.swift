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

/// The parts of the mangled name of a module-level Swift variable's storage,
/// such as `$s4main6factorSivp`: module `main`, then the variable's own name
/// (`6factor`), then its type (`Si`, `Int`), then `vp` (the variable's
/// storage). Names this does not take apart (a static property, a local
/// variable, an identifier spelled with word substitutions) are `nil`.
struct GlobalVariableName {
    /// The module that declares the variable.
    var module: String
    /// The name up to the type (`$s4main6factor`): the variable's lazy
    /// initialization token, if it has one, is this followed by `_Wz`.
    var declaration: String
    /// The type's mangling, as written in the name (`Si`).
    var typeMangling: String

    init?(_ symbol: String) {
        var symbol = symbol
        guard let parsed = symbol.withUTF8({ Self(utf8: $0) }) else { return nil }
        self = parsed
    }

    private init?(utf8 symbol: UnsafeBufferPointer<UInt8>) {
        guard symbol.count > 4, symbol.starts(with: "$s".utf8), symbol.reversed().starts(with: "pv".utf8) else {
            return nil
        }
        var index = 2
        guard let module = Self.identifier(in: symbol, at: &index), Self.identifier(in: symbol, at: &index) != nil
        else { return nil }
        // A private variable's name is followed by its file's discriminator and `LL`.
        var afterDiscriminator = index
        if let discriminator = Self.identifier(in: symbol, at: &afterDiscriminator), discriminator.hasPrefix("_"),
            symbol[afterDiscriminator...].starts(with: "LL".utf8)
        {
            index = afterDiscriminator + 2
        }
        guard index < symbol.count - 2 else { return nil }
        self.module = module
        declaration = String(decoding: symbol[..<index], as: UTF8.self)
        typeMangling = String(decoding: symbol[index..<symbol.count - 2], as: UTF8.self)
    }

    /// The token a variable initialized lazily on first use is guarded by.
    var initializationToken: String { declaration + "_Wz" }

    /// The variable's type, if the runtime finds it by its mangling.
    ///
    /// Inside the full name, a type of the variable's own module refers to
    /// that module as substitution `AA` (the name's first substitutable
    /// part); alone, the mangling must spell the module out. The module is
    /// the first substitution either way, so later references still agree.
    var type: Any.Type? {
        if let type = _typeByName(typeMangling) { return type }
        guard typeMangling.hasPrefix("AA") else { return nil }
        return _typeByName("\(module.utf8.count)\(module)" + typeMangling.dropFirst(2))
    }

    /// A plain identifier (its length, then its characters) at `index`,
    /// which moves past it; `nil` for anything else (a substitution, a
    /// word-substituted identifier, which starts with `0`).
    private static func identifier(in symbol: UnsafeBufferPointer<UInt8>, at index: inout Int) -> String? {
        var length = 0
        var end = index
        while end < symbol.count, let digit = Self.digit(symbol[end]) {
            if end == index && digit == 0 { return nil }
            length = length * 10 + digit
            guard length < symbol.count else { return nil }
            end += 1
        }
        guard end > index, length <= symbol.count - end else { return nil }
        index = end + length
        return String(decoding: symbol[end..<index], as: UTF8.self)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
