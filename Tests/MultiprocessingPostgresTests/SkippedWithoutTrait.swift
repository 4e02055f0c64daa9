#if !Postgres
import Testing

/// Without the Postgres trait this target holds no PostgreSQL test: say so
/// where `swift test` prints its results, with the command that runs them.
@Test(.disabled("""
    the PostgreSQL tests were not built: they need the Postgres trait. \
    Run `swift test --traits Postgres --filter MultiprocessingPostgresTests` \
    (and install Debian's `postgresql`, or set POSTGRES_BIN_DIR, for a server to test against)
    """))
func postgresTestsNeedTheTrait() {}
#endif
