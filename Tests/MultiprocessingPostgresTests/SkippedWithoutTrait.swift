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

#if !Postgres
    import Testing

    /// Without the Postgres trait this target holds no PostgreSQL test: say so
    /// where `swift test` prints its results, with the command that runs them.
    @Test(
        .disabled(
            """
            the PostgreSQL tests were not built: they need the Postgres trait. \
            Run `swift test --traits Postgres --filter MultiprocessingPostgresTests` \
            (and install Debian's `postgresql`, or set POSTGRES_BIN_DIR, for a server to test against)
            """))
    func postgresTestsNeedTheTrait() {}
#endif
