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

/// Mangled names of job types, computed once per type: asking the runtime
/// builds a new string each time, which would cost more than the rest of a submit.
enum MangledNames {
    private static let cache = LockedState<[ObjectIdentifier: String]>([:])

    /// The mangled name of `type`, or `nil` for a type the runtime cannot name
    /// (which therefore cannot be sent to a worker).
    static func of(_ type: any Any.Type) -> String? {
        let key = ObjectIdentifier(type)
        if let known = cache.withLock({ $0[key] }) { return known }
        guard let name = PortableTypeName.of(type) else { return nil }
        cache.withLock { $0[key] = name }
        return name
    }
}
