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

// Loading shared libraries at run time (dlopen(3)). The loader reports its
// failures as text (dlerror(3), kept per thread), not as an errno, so they
// travel as `DynamicLoadingError`. Nothing here ever calls dlclose(3): see
// JobLibrary for why Swift code, once loaded, stays loaded.

/// Why the dynamic loader refused a library: its own message, such as
/// "undefined symbol: …" or "wrong ELF class: ELFCLASS32".
package struct DynamicLoadingError: Error, Sendable, CustomStringConvertible {
    package var description: String
}

/// Loads the shared library at `path`, resolving every symbol now, without
/// making its symbols available to libraries loaded later. Loading a library
/// that is already loaded returns the same handle (the loader recognizes the
/// file by device and inode, whatever the path).
///
/// The corresponding C function is `dlopen(path, RTLD_NOW | RTLD_LOCAL)`.
package func loadSharedLibrary(atPath path: String) throws(DynamicLoadingError) -> UnsafeMutableRawPointer {
    _ = dlerror()  // forget an earlier failure of this thread
    guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
        throw DynamicLoadingError(description: lastLoaderError() ?? "dlopen(\(path)) failed")
    }
    return handle
}

/// The address of the symbol `name` in the library `handle` (or in its
/// dependencies), or `nil` if it has none.
///
/// The corresponding C function is `dlsym`.
package func symbolAddress(_ name: String, in handle: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
    dlsym(handle, name)
}

/// Whether this process makes `name` available to the libraries it loads:
/// true for a symbol of a shared library, and for a symbol of the executable
/// only when it was linked with `--export-dynamic`.
///
/// The corresponding C function is `dlsym(RTLD_DEFAULT, name)`.
package func isGlobalSymbol(_ name: String) -> Bool {
    dlsym(nil, name) != nil  // RTLD_DEFAULT is the null handle in glibc
}

/// The canonical absolute path of an existing file: symbolic links, `.` and
/// `..` resolved.
///
/// The corresponding C function is `realpath`.
package func canonicalPath(_ path: String) throws(Errno) -> String {
    guard let resolved = realpath(path, nil) else { throw Errno(rawValue: errno) }
    defer { free(resolved) }
    return String(cString: resolved)
}

private func lastLoaderError() -> String? {
    dlerror().map { String(cString: $0) }
}
