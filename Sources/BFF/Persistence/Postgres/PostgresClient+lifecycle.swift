public import Logging
import NIOSSL
public import PostgresNIO

/// Applies pending migrations to `DATABASE_URL` with a temporary client; `atrium migrate`, `serve` and `worker`
/// call it before they start.
///
/// Waits up to `connectWithin` for PostgreSQL to accept a connection (so a database that starts at the same time
/// as Atrium is fine; a wrong password fails at once), then migrates under ``PostgresMigrator``'s lock.
///
/// - Returns: The migrations this call applied, in order (empty when the schema was up to date).
/// - Throws: ``MigrationError`` (`.unreachable` when no connection came in time).
@discardableResult
public func migrateDatabase(_ database: DatabaseConfiguration, logger: Logger, connectWithin: Duration = .seconds(30)) async throws -> [Migration] {
    try await withPostgresClient(database, logger: logger, connectWithin: connectWithin) { client in
        try await PostgresMigrator(client: client, logger: logger).migrate()
    }
}

/// Runs `body` with the PostgreSQL store of `DATABASE_URL` over a temporary client (commands such as
/// `atrium user create`); the schema must be migrated.
public func withPostgresStore<Result: Sendable>(
    _ database: DatabaseConfiguration,
    logger: Logger,
    connectWithin: Duration = .seconds(30),
    _ body: (AtriumStore) async throws -> Result
) async throws -> Result {
    try await withPostgresClient(database, logger: logger, connectWithin: connectWithin) { client in
        try await body(AtriumStore.postgres(client: client, logger: logger))
    }
}

/// A client for `database` whose `run()` is active while `body` runs, and which shuts down after it.
package func withPostgresClient<Result: Sendable>(
    _ database: DatabaseConfiguration,
    logger: Logger,
    connectWithin: Duration,
    _ body: (PostgresClient) async throws -> Result
) async throws -> Result {
    try await waitUntilReachable(database, within: connectWithin, logger: logger)
    let client = PostgresClient(configuration: .init(database), backgroundLogger: logger)
    return try await withRunning(client, body)
}

/// Runs `body` while `client.run()` is active in a child task, then cancels it (which closes the connections
/// and with them any session-level advisory lock).
package func withRunning<Result: Sendable>(
    _ client: PostgresClient,
    _ body: (PostgresClient) async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}

/// Connects once, directly, until PostgreSQL accepts or `limit` passes, so a failure can say why.
///
/// The pool would retry a refused connection with backoff and keep its lease waiting; a direct connection
/// reports the server's reason. A wrong password or an unknown database is final, so it fails at once; a
/// refused or timed-out connection (a database still starting) is retried until the deadline.
private func waitUntilReachable(_ database: DatabaseConfiguration, within limit: Duration, logger: Logger) async throws {
    let deadline = ContinuousClock.now + limit
    var reason = "no attempt finished"
    repeat {
        do {
            let connection = try await PostgresConnection.connect(configuration: try .init(database), id: 0, logger: logger)
            try? await connection.close()
            return
        } catch let error as PSQLError {
            reason = error.serverInfo?[.message] ?? error.underlying.map { "\($0)" } ?? "\(error.code)"
            // invalid_authorization_specification (28xxx) and invalid_catalog_name (3D000) will not heal by waiting.
            if let state = error.serverInfo?[.sqlState], state.hasPrefix("28") || state == "3D000" {
                throw MigrationError(.unreachable, "PostgreSQL at \(database) refused the connection: \(reason)")
            }
        } catch {
            reason = "\(error)"
        }
        try await Task.sleep(for: .milliseconds(250))
    } while ContinuousClock.now < deadline
    throw MigrationError(.unreachable, "PostgreSQL at \(database) did not accept a connection within \(limit): \(reason)")
}

extension PostgresConnection.Configuration {
    /// The direct-connection twin of `PostgresClient.Configuration(_:)`, for the reachability probe.
    init(_ database: DatabaseConfiguration) throws {
        let tls: PostgresConnection.Configuration.TLS =
            switch database.tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        self.init(
            host: database.host,
            port: database.port,
            username: database.username,
            password: database.password,
            database: database.database,
            tls: tls
        )
        self.options.connectTimeout = .seconds(2)
    }
}
