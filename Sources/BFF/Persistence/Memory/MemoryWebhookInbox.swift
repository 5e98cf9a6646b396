public import Foundation
import NIOConcurrencyHelpers

/// The webhook inbox in process memory (embedded default, memory half of the conformance suite).
///
/// Dates are kept at PostgreSQL's microsecond precision (``Foundation/Date/storedPrecision``), so both inboxes
/// return the same values.
public final class MemoryWebhookInbox: WebhookInbox {
    private let rows = NIOLockedValueBox([UUID: StoredWebhook]())

    public init() {}

    public func receive(_ webhook: InboundWebhook) async throws -> WebhookReceipt {
        rows.withLockedValue { rows in
            if let existing = rows.values.first(where: { $0.provider == webhook.provider && $0.eventID == webhook.eventID }) {
                return .duplicate(existing)
            }
            let stored = StoredWebhook(
                id: UUID(), provider: webhook.provider, eventID: webhook.eventID, eventType: webhook.eventType,
                receivedAt: webhook.receivedAt.storedPrecision, payload: webhook.payload, headers: webhook.headers, status: .received,
                attempts: 0, lastError: nil, processedAt: nil
            )
            rows[stored.id] = stored
            return .stored(stored)
        }
    }

    public func webhook(id: UUID) async throws -> StoredWebhook? { rows.withLockedValue { $0[id] } }

    public func markProcessing(id: UUID, at: Date) async throws -> StoredWebhook {
        try rows.withLockedValue { rows in
            guard var row = rows[id] else { throw StoreError(.notFound, "no such webhook") }
            row.status = .processing
            row.attempts += 1
            rows[id] = row
            return row
        }
    }

    public func markProcessed(id: UUID, at: Date) async throws {
        try rows.withLockedValue { rows in
            guard var row = rows[id] else { throw StoreError(.notFound, "no such webhook") }
            row.status = .processed
            row.processedAt = at.storedPrecision
            row.lastError = nil
            rows[id] = row
        }
    }

    public func markFailed(id: UUID, error: String, at: Date) async throws {
        try rows.withLockedValue { rows in
            guard var row = rows[id] else { throw StoreError(.notFound, "no such webhook") }
            row.status = .failed
            row.lastError = String(error.prefix(2000))
            rows[id] = row
        }
    }

    public func webhooks(filter: WebhookFilter, after: WebhookPageKey?, limit: Int) async throws -> [StoredWebhook] {
        let after = after.map { WebhookPageKey(receivedAt: $0.receivedAt.storedPrecision, id: $0.id) }
        return rows.withLockedValue { rows in
            rows.values
                .filter { row in
                    (filter.provider.map { $0 == row.provider } ?? true) && (filter.status.map { $0 == row.status } ?? true)
                        && (filter.eventType.map { $0 == row.eventType } ?? true)
                        && (after.map { Self.isAfter(row, $0) } ?? true)
                }
                .sorted { Self.isAfter($1, WebhookPageKey(receivedAt: $0.receivedAt, id: $0.id)) }
                .prefix(max(0, limit))
                .map { $0 }
        }
    }

    public func unprocessed(receivedBefore: Date, limit: Int) async throws -> [StoredWebhook] {
        let receivedBefore = receivedBefore.storedPrecision
        return rows.withLockedValue { rows in
            rows.values
                .filter { $0.status != .processed && $0.receivedAt < receivedBefore }
                .sorted { ($0.receivedAt, $0.id.uuidString) < ($1.receivedAt, $1.id.uuidString) }
                .prefix(max(0, limit))
                .map { $0 }
        }
    }

    /// Newest first: `row` comes after `key` when it is older, or as old with a smaller id.
    private static func isAfter(_ row: StoredWebhook, _ key: WebhookPageKey) -> Bool {
        if row.receivedAt != key.receivedAt { return row.receivedAt < key.receivedAt }
        return row.id.uuidString.lowercased() < key.id.uuidString.lowercased()
    }
}
