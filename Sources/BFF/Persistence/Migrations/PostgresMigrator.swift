public import Logging
public import PostgresNIO

/// Brings a PostgreSQL schema up to date with ``Migration/all``; safe when several processes start at once.
///
/// The migrator holds a session-level advisory lock while it works, keyed by a fixed number and the current
/// schema, so concurrent migrators of one schema queue up: the first applies what is pending, the others then
/// find nothing to do. Each migration runs in its own transaction together with its row in
/// `atrium_schema_migrations`, so a failed migration leaves no trace and a crash never half-applies one.
public struct PostgresMigrator: Sendable {
    /// The first half of the advisory lock key ("ATRM"); the second half is a hash of `current_schema()`.
    public static let lockKey: Int32 = 0x4154_524D

    let client: PostgresClient
    let migrations: [Migration]
    let logger: Logger

    /// - Parameters:
    ///   - client: A running client; its connections' `search_path` decides the schema migrated.
    ///   - migrations: The sequence to apply (tests pass their own); versions must increase from 1.
    ///   - logger: Receives one line per applied migration.
    public init(client: PostgresClient, migrations: [Migration] = Migration.all, logger: Logger) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies every pending migration, in version order.
    ///
    /// - Returns: The migrations applied by this call (empty when the schema was up to date).
    /// - Throws: ``MigrationError`` (checksum mismatch, failed migration, lock wait too long), or the driver's
    ///   error when PostgreSQL cannot be reached.
    public func migrate() async throws -> [Migration] {
        try validateSequence()
        return try await client.withConnection { connection in
            // The pool's timeouts suit requests; waiting for another migrator and running DDL need longer.
            try await connection.query("SET lock_timeout = '120s'", logger: logger)
            try await connection.query("SET statement_timeout = '600s'", logger: logger)
            do {
                try await lock(connection)
                let applied = try await applyPending(on: connection)
                try await release(connection)
                return applied
            } catch {
                try? await release(connection)
                throw error
            }
        }
    }

    private func validateSequence() throws {
        for (index, migration) in migrations.enumerated() where migration.version != index + 1 {
            throw MigrationError(.invalidSequence, "migration '\(migration.name)' has version \(migration.version), expected \(index + 1)")
        }
    }

    private func lock(_ connection: PostgresConnection) async throws {
        do {
            // A SELECT's errors arrive with its rows, so the result is read to the end.
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey), hashtext(current_schema()))", logger: logger).collect()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
            throw MigrationError(.lockTimeout, "another migrator held the migration lock for more than 120 s")
        }
    }

    private func release(_ connection: PostgresConnection) async throws {
        _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey), hashtext(current_schema()))", logger: logger).collect()
        try await connection.query("RESET lock_timeout", logger: logger)
        try await connection.query("RESET statement_timeout", logger: logger)
    }

    private func applyPending(on connection: PostgresConnection) async throws -> [Migration] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS atrium_schema_migrations (
                version integer PRIMARY KEY CHECK (version >= 1),
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            logger: logger
        )
        var recorded: [Int: String] = [:]
        let rows = try await connection.query("SELECT version, checksum FROM atrium_schema_migrations", logger: logger)
        for try await (version, checksum) in rows.decode((Int, String).self) { recorded[version] = checksum }

        for migration in migrations {
            if let checksum = recorded[migration.version], checksum != migration.checksum {
                throw MigrationError(
                    .checksumMismatch,
                    "migration \(migration.version) (\(migration.name)) differs from the one applied to the database; "
                        + "released migrations must not be edited (add a new version instead)"
                )
            }
        }
        let known = Set(migrations.map(\.version))
        let unknown = recorded.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            // A newer build migrated this database; this one can still run (migrations only add).
            logger.warning("database has migrations this build does not know", metadata: ["versions": "\(unknown)"])
        }

        var applied: [Migration] = []
        for migration in migrations where recorded[migration.version] == nil {
            try await apply(migration, on: connection)
            logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            applied.append(migration)
        }
        return applied
    }

    private func apply(_ migration: Migration, on connection: PostgresConnection) async throws {
        do {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO atrium_schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                    logger: logger
                )
            }
        } catch {
            let server = PostgresFailure(error)
            throw MigrationError(
                .failed,
                "migration \(migration.version) (\(migration.name)) failed and was rolled back: \(server.summary)"
            )
        }
    }
}
