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

internal import Threading

/// The job-type registry's entry points for the package's other products
/// (MultiprocessingPostgres): the one way, in the whole package, to name a
/// job or error type and to find it again by that name.
///
/// A process pool's workers run the very same executable, so a private or
/// function-local type may travel as the place of its type descriptor
/// (PortableTypeName.swift). A job stored in a database may be run by
/// *another* executable built from the same package: only names that the
/// runtime's `_typeByName` resolves in any such executable qualify here.
package enum JobTypeNames {
    private static let registry = LockedState(JobTypeRegistry())

    /// The name under which `type` can be found in any executable built from
    /// the same sources, or `nil` for a type that has none: a private or
    /// function-local type (named through an anonymous context), or a
    /// generic type over one.
    package static func crossExecutableName(of type: any Any.Type) -> String? {
        guard let name = MangledNames.of(type), isCrossExecutable(name) else { return nil }
        return name
    }

    /// The job type that the cross-executable name `name` names in this
    /// executable, or `nil` if it has none -- or if `name` is no such name:
    /// a name read from a database row is checked before the runtime sees it.
    package static func jobType(crossExecutableName name: String) -> (any Job.Type)? {
        guard isCrossExecutable(name) else { return nil }
        return registry.withLock { $0.type(named: name) }
    }

    /// The type (an error type, say) that the cross-executable name `name`
    /// names in this executable, or `nil` if it has none or `name` is no such name.
    package static func type(crossExecutableName name: String) -> (any Any.Type)? {
        guard isCrossExecutable(name) else { return nil }
        return PortableTypeName.type(named: name)
    }

    /// Plain mangled names only: printable ASCII without `$` (no anonymous
    /// context, no descriptor place, and no symbolic reference, whose bytes
    /// the runtime would follow as a pointer).
    private static func isCrossExecutable(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "$") }
    }
}
