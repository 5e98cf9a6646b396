public import Foundation
public import Logging
public import PostgresNIO

// PLACEHOLDER (store helper): replace every method with the real PostgreSQL implementation.
/// The webhook inbox in PostgreSQL (`webhook_inbox`, unique on provider and event id).
public struct PostgresWebhookInbox: WebhookInbox {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    private func missing() -> StoreError { StoreError(.unavailable, "PostgresWebhookInbox not built yet") }
    public func receive(_ webhook: InboundWebhook) async throws -> WebhookReceipt { throw missing() }
    public func webhook(id: UUID) async throws -> StoredWebhook? { throw missing() }
    public func markProcessing(id: UUID, at: Date) async throws -> StoredWebhook { throw missing() }
    public func markProcessed(id: UUID, at: Date) async throws { throw missing() }
    public func markFailed(id: UUID, error: String, at: Date) async throws { throw missing() }
    public func webhooks(filter: WebhookFilter, after: WebhookPageKey?, limit: Int) async throws -> [StoredWebhook] { throw missing() }
    public func unprocessed(receivedBefore: Date, limit: Int) async throws -> [StoredWebhook] { throw missing() }
}
