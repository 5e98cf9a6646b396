public import Logging
public import PostgresNIO

extension AtriumStore {
    /// The PostgreSQL store over a client whose `run()` is active (a service of the application).
    ///
    /// The schema must be migrated first (``migrateDatabase(_:logger:)`` or ``PostgresMigrator``).
    public static func postgres(client: PostgresClient, logger: Logger) -> AtriumStore {
        AtriumStore(
            users: PostgresUserRepository(client: client, logger: logger),
            audit: PostgresAuditLog(client: client, logger: logger),
            idempotency: PostgresIdempotencyStore(client: client, logger: logger),
            orders: PostgresOrderRepository(client: client, logger: logger),
            webhooks: PostgresWebhookInbox(client: client, logger: logger),
            backend: "postgres"
        )
    }
}
