public import Foundation
public import Logging
import NIOCore
public import PostgresNIO

/// The webhook inbox in PostgreSQL (`webhook_inbox`, unique on provider and event id).
///
/// ``receive(_:)`` is `INSERT … ON CONFLICT (provider, event_id) DO NOTHING RETURNING …`, committed when it
/// returns. When a concurrent receiver holds the same key uncommitted, PostgreSQL makes the insert wait for it,
/// so the follow-up read of a duplicate always finds the first row. Payloads are `bytea`, headers `jsonb`;
/// dates are bound with ``PostgresTimestamp``.
public struct PostgresWebhookInbox: WebhookInbox {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let columns = """
        id, provider, event_id, event_type, received_at, payload, headers::text AS headers, status, attempts, last_error,
        processed_at
        """

    /// `last_error` keeps this many characters of a processing error (the memory inbox cuts at the same place).
    static let errorLimit = 2000

    public func receive(_ webhook: InboundWebhook) async throws -> WebhookReceipt {
        let headers = try StoredJSON.text(webhook.headers)
        let payload = ByteBuffer(bytes: webhook.payload)
        return try await storeOperation {
            let inserted = try await rows(
                """
                INSERT INTO webhook_inbox (id, provider, event_id, event_type, received_at, payload, headers)
                VALUES (\(UUID()), \(webhook.provider), \(webhook.eventID), \(webhook.eventType),
                    \(PostgresTimestamp(webhook.receivedAt)), \(payload), \(headers)::jsonb)
                ON CONFLICT (provider, event_id) DO NOTHING
                RETURNING \(unescaped: Self.columns)
                """
            )
            if let stored = inserted.first { return .stored(stored) }
            // Rows are never deleted, so the conflicting row is there once the insert gave way to it.
            let existing = try await rows(
                """
                SELECT \(unescaped: Self.columns) FROM webhook_inbox
                WHERE provider = \(webhook.provider) AND event_id = \(webhook.eventID)
                """
            )
            guard let first = existing.first else { throw StoreError(.unavailable, "the conflicting webhook was not found") }
            return .duplicate(first)
        }
    }

    public func webhook(id: UUID) async throws -> StoredWebhook? {
        try await storeOperation { try await rows("SELECT \(unescaped: Self.columns) FROM webhook_inbox WHERE id = \(id)").first }
    }

    public func markProcessing(id: UUID, at: Date) async throws -> StoredWebhook {
        try await storeOperation {
            let updated = try await rows(
                """
                UPDATE webhook_inbox SET status = 'processing', attempts = attempts + 1 WHERE id = \(id)
                RETURNING \(unescaped: Self.columns)
                """
            )
            guard let row = updated.first else { throw StoreError(.notFound, "no such webhook") }
            return row
        }
    }

    public func markProcessed(id: UUID, at: Date) async throws {
        try await updateOne(
            """
            UPDATE webhook_inbox SET status = 'processed', processed_at = \(PostgresTimestamp(at)), last_error = NULL
            WHERE id = \(id) RETURNING id
            """
        )
    }

    public func markFailed(id: UUID, error: String, at: Date) async throws {
        let kept = String(error.prefix(Self.errorLimit))
        try await updateOne("UPDATE webhook_inbox SET status = 'failed', last_error = \(kept) WHERE id = \(id) RETURNING id")
    }

    public func webhooks(filter: WebhookFilter, after: WebhookPageKey?, limit: Int) async throws -> [StoredWebhook] {
        // Only the filters that are set become conditions, so a listing by provider can use its index.
        var conditions: [String] = []
        var bindings = PostgresBindings()
        for (column, value) in [("provider", filter.provider), ("status", filter.status?.rawValue), ("event_type", filter.eventType)] {
            guard let value else { continue }
            bindings.append(value)
            conditions.append("\(column) = $\(bindings.count)")
        }
        if let after {
            bindings.append(PostgresTimestamp(after.receivedAt))
            bindings.append(after.id)
            conditions.append("(received_at, id) < ($\(bindings.count - 1), $\(bindings.count))")
        }
        bindings.append(max(0, limit))
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.columns) FROM webhook_inbox \(whereClause)
                ORDER BY received_at DESC, id DESC LIMIT $\(bindings.count)
                """,
            binds: bindings
        )
        return try await storeOperation { try await rows(query) }
    }

    public func unprocessed(receivedBefore: Date, limit: Int) async throws -> [StoredWebhook] {
        try await storeOperation {
            // `status IN (…)` (every status but processed) is the predicate of webhook_inbox_pending_idx.
            try await rows(
                """
                SELECT \(unescaped: Self.columns) FROM webhook_inbox
                WHERE status IN ('received', 'processing', 'failed') AND received_at < \(PostgresTimestamp(receivedBefore))
                ORDER BY received_at, id LIMIT \(max(0, limit))
                """
            )
        }
    }

    // MARK: - Helpers

    private func rows(_ query: PostgresQuery) async throws -> [StoredWebhook] {
        try await decodeRows(try await client.query(query, logger: logger), StoredWebhook.init(row:))
    }

    /// Runs an `UPDATE … WHERE id = … RETURNING id`; no row is ``StoreError/notFound``.
    private func updateOne(_ query: PostgresQuery) async throws {
        try await storeOperation {
            let updated = try await client.query(query, logger: logger).collect()
            guard !updated.isEmpty else { throw StoreError(.notFound, "no such webhook") }
        }
    }
}

extension StoredWebhook {
    /// Reads one row of ``PostgresWebhookInbox/columns``.
    init(row: PostgresRandomAccessRow) throws {
        let payload = try row["payload"].decode(ByteBuffer.self)
        self.init(
            id: try row["id"].decode(UUID.self),
            provider: try row["provider"].decode(String.self),
            eventID: try row["event_id"].decode(String.self),
            eventType: try row["event_type"].decode(String.self),
            receivedAt: try row["received_at"].decode(Date.self),
            payload: Data(payload.readableBytesView),
            headers: try StoredJSON.value([String: String].self, try row["headers"].decode(String.self)),
            status: try StoredJSON.enumValue(WebhookStatus.self, row["status"], column: "webhook_inbox.status"),
            attempts: try row["attempts"].decode(Int.self),
            lastError: try row["last_error"].decode(String?.self),
            processedAt: try row["processed_at"].decode(Date?.self)
        )
    }
}
