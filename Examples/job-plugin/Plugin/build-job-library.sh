#!/usr/bin/env bash
# Builds a job library: a shared library of Job types that a program built
# with SwiftPM loads at run time with JobLibrary.load(path:).
#
#   build-job-library.sh BUILD_DIRECTORY MODULE_NAME OUTPUT SOURCE.swift...
#
# BUILD_DIRECTORY is the program's SwiftPM build directory, where its
# executable lies (.build/debug, .build/release). The library is compiled
# against the program's modules (Multiprocessing, Threading, and the module
# maps of the C modules under them) and links none of them: the symbols it
# uses stay undefined, and the program provides them at load time, which is
# why the program must be linked with -Xlinker --export-dynamic. That way the
# library's jobs conform to the program's own Job protocol.
#
# The compiler must be the one that built the program (the script checks):
# Swift modules are read only by the compiler that wrote them.
set -euo pipefail

if [ $# -lt 4 ]; then
    echo "usage: $0 BUILD_DIRECTORY MODULE_NAME OUTPUT SOURCE.swift..." >&2
    exit 64
fi
build=$(cd "$1" && pwd -P)
module=$2
output=$3
shift 3

if [ ! -d "$build/Modules" ]; then
    echo "error: $build/Modules does not exist: build the program first (swift build)" >&2
    exit 1
fi
compiler=$(swiftc --version 2>/dev/null | head -n 1)
for stamp in "$build"/swift-version-*.txt; do
    [ -e "$stamp" ] || continue
    if [ "$(head -n 1 "$stamp")" != "$compiler" ]; then
        echo "error: the program was built by '$(head -n 1 "$stamp")', but swiftc is '$compiler'" >&2
        exit 1
    fi
done

# The module maps of the C targets the program's build compiled: SwiftPM
# writes one into the target's build folder, unless the target has its own
# (include/module.modulemap, in the package or in a checked-out dependency).
root=$(cd "$build/../../.." && pwd -P)
maps=()
for folder in "$build"/*.build; do
    target=$(basename "$folder" .build)
    for map in "$folder/module.modulemap" "$root/Sources/$target/include/module.modulemap" \
               "$root"/.build/checkouts/*/Sources/"$target"/include/module.modulemap; do
        if [ -e "$map" ]; then
            maps+=(-Xcc "-fmodule-map-file=$(cd "$(dirname "$map")" && pwd -P)/module.modulemap")
            break
        fi
    done
done

exec swiftc -emit-library -parse-as-library -module-name "$module" \
    -I "$build/Modules" "${maps[@]}" -module-cache-path "$build/ModuleCache" \
    -o "$output" "$@"
