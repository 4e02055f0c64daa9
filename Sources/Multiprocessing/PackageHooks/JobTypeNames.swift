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
        guard let name = MangledNames.of(type) else { return nil }
        let anonymous = name.utf8.first == 1 || name.utf8.contains(UInt8(ascii: "$"))
        return anonymous ? nil : name
    }

    /// The job type that `name` names in this executable, or `nil` if it has none.
    package static func jobType(named name: String) -> (any Job.Type)? {
        registry.withLock { $0.type(named: name) }
    }

    /// The type that `name` names in this executable (an error type, say), or `nil` if it has none.
    package static func type(named name: String) -> (any Any.Type)? {
        PortableTypeName.type(named: name)
    }
}
