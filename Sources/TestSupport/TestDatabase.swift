public import BFF
import Foundation
public import Logging
public import PostgresNIO

/// Throwaway PostgreSQL schemas in the test database (`DATABASE_URL`), one per test.
///
/// A schema is created, used through clients whose `search_path` names it (a startup parameter, so every pooled
/// connection has it), and dropped afterwards, so tests never see each other's rows. The CI role owns the
/// database but is no superuser: creating and dropping its own schemas is all this needs.
public enum TestDatabase {
    /// Errors only: every test migrates a schema, and PostgresNIO warns when a lease races `run()` starting.
    public static let logger: Logger = {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .error
        return logger
    }()

    /// `t_` and 16 random hex digits: a valid, unquoted identifier.
    public static func newSchemaName() -> String {
        "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    /// The client settings of `TestEnv.database` (with Atrium's timeouts), confined to `schema` when given.
    public static func configuration(schema: String?) throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(try TestEnv.database)
        if let schema { configuration.options.additionalStartupParameters.append(("search_path", schema)) }
        return configuration
    }

    /// Runs `body` with a running client confined to `schema` (nil: the database's default search path).
    public static func withClient<Result: Sendable>(
        schema: String?,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: try configuration(schema: schema), backgroundLogger: logger)
        return try await withRunning(client, body)
    }

    /// Creates a fresh schema, migrates it with ``Migration/all`` unless `migrated` is false, runs `body` with a
    /// client confined to it, and drops it again (also when `body` throws).
    public static func withSchema<Result: Sendable>(
        migrated: Bool = true,
        _ body: (PostgresClient, _ schema: String) async throws -> Result
    ) async throws -> Result {
        let schema = newSchemaName()
        return try await withClient(schema: nil) { admin in
            try await admin.query("CREATE SCHEMA \(unescaped: schema)", logger: logger)
            do {
                let result = try await withClient(schema: schema) { client in
                    if migrated { try await PostgresMigrator(client: client, logger: logger).migrate() }
                    return try await body(client, schema)
                }
                try await admin.query("DROP SCHEMA \(unescaped: schema) CASCADE", logger: logger)
                return result
            } catch {
                try? await admin.query("DROP SCHEMA \(unescaped: schema) CASCADE", logger: logger)
                throw error
            }
        }
    }

    /// Deletes an account (its links, and its orders with their timelines and saga steps) from the default schema,
    /// for tests that create one through the binary; returns how many were deleted. Audit rows stay: the audit log
    /// is append-only.
    public static func deleteAccount(email: String) async throws -> Int {
        try await withClient(schema: nil) { client in
            try await client.query("DELETE FROM orders WHERE user_id IN (SELECT id FROM users WHERE email = \(email))", logger: logger)
            let rows = try await client.query("DELETE FROM users WHERE email = \(email) RETURNING id", logger: logger)
            return try await rows.collect().count
        }
    }

    /// Deletes every account of the default schema that holds one of these external ids (with its orders), so a
    /// test can link a new account to the sandboxes' demo customers: one external account belongs to one user,
    /// and an earlier run's account may still hold them. Tests run one at a time, so no running test loses its own.
    public static func releaseLinks(billingCustomerID: String?, crmAccountID: String?, simAccountID: String?) async throws {
        try await withClient(schema: nil) { client in
            let holders = """
                SELECT user_id FROM account_links WHERE billing_customer_id = $1 OR crm_account_id = $2 OR sim_account_id = $3
                """
            var bindings = PostgresBindings()
            bindings.append(billingCustomerID)
            bindings.append(crmAccountID)
            bindings.append(simAccountID)
            try await client.query(PostgresQuery(unsafeSQL: "DELETE FROM orders WHERE user_id IN (\(holders))", binds: bindings), logger: logger)
            try await client.query(PostgresQuery(unsafeSQL: "DELETE FROM users WHERE id IN (\(holders))", binds: bindings), logger: logger)
        }
    }
}
