public import Foundation

/// Webhooks as received, stored before they are acknowledged and processed later by the `webhooks` queue.
/// Memory and PostgreSQL implementations pass one conformance suite (`TestSupport/WebhookInboxConformance`).
public protocol WebhookInbox: Sendable {
    /// Stores the event unless one with the same (provider, event id) exists.
    ///
    /// Returns only once the row is durable (committed), so the receiver may acknowledge.
    func receive(_ webhook: InboundWebhook) async throws -> WebhookReceipt
    func webhook(id: UUID) async throws -> StoredWebhook?
    /// Marks the event as being processed and counts an attempt; returns it with the new count.
    ///
    /// - Throws: ``StoreError/notFound`` when there is no such event.
    func markProcessing(id: UUID, at: Date) async throws -> StoredWebhook
    func markProcessed(id: UUID, at: Date) async throws
    /// Records a failed processing attempt (the queue retries it; the error is kept for staff).
    func markFailed(id: UUID, error: String, at: Date) async throws
    /// Events newest first (received_at, then id), strictly after `after` when given.
    func webhooks(filter: WebhookFilter, after: WebhookPageKey?, limit: Int) async throws -> [StoredWebhook]
    /// Events not processed yet that were received before `receivedBefore`, oldest first (a sweeper re-enqueues
    /// them if their job was lost).
    func unprocessed(receivedBefore: Date, limit: Int) async throws -> [StoredWebhook]
}

/// A verified webhook about to be stored.
public struct InboundWebhook: Sendable, Hashable {
    /// `stripe`, `whmcs`, `salesforce`, `sim`, `supplier`.
    public var provider: String
    /// The upstream's event id (the de-duplication key with `provider`).
    public var eventID: String
    public var eventType: String
    /// The raw body as signed.
    public var payload: Data
    /// Headers worth keeping (event, timestamp); never secrets.
    public var headers: [String: String]
    public var receivedAt: Date

    public init(provider: String, eventID: String, eventType: String, payload: Data, headers: [String: String] = [:], receivedAt: Date) {
        self.provider = provider
        self.eventID = eventID
        self.eventType = eventType
        self.payload = payload
        self.headers = headers
        self.receivedAt = receivedAt
    }
}

public enum WebhookStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case received, processing, processed, failed
}

/// A stored webhook.
public struct StoredWebhook: Sendable, Hashable {
    public let id: UUID
    public let provider: String
    public let eventID: String
    public let eventType: String
    public let receivedAt: Date
    public let payload: Data
    public let headers: [String: String]
    public var status: WebhookStatus
    public var attempts: Int
    public var lastError: String?
    public var processedAt: Date?

    public init(
        id: UUID, provider: String, eventID: String, eventType: String, receivedAt: Date, payload: Data,
        headers: [String: String], status: WebhookStatus, attempts: Int, lastError: String?, processedAt: Date?
    ) {
        self.id = id
        self.provider = provider
        self.eventID = eventID
        self.eventType = eventType
        self.receivedAt = receivedAt
        self.payload = payload
        self.headers = headers
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.processedAt = processedAt
    }
}

/// What ``WebhookInbox/receive(_:)`` did.
public enum WebhookReceipt: Sendable, Hashable {
    /// A new event, now stored.
    case stored(StoredWebhook)
    /// The same (provider, event id) was stored before; this is that row.
    case duplicate(StoredWebhook)

    public var webhook: StoredWebhook {
        switch self {
        case .stored(let webhook), .duplicate(let webhook): webhook
        }
    }
}

/// What staff filter the inbox by; nil fields match everything.
public struct WebhookFilter: Sendable, Hashable {
    public var provider: String?
    public var status: WebhookStatus?
    public var eventType: String?

    public init(provider: String? = nil, status: WebhookStatus? = nil, eventType: String? = nil) {
        self.provider = provider
        self.status = status
        self.eventType = eventType
    }
}

/// A position in the inbox listing (newest first).
public struct WebhookPageKey: Sendable, Hashable {
    public let receivedAt: Date
    public let id: UUID

    public init(receivedAt: Date, id: UUID) {
        self.receivedAt = receivedAt
        self.id = id
    }
}
