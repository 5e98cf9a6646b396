import Domain
import Foundation
import Logging
import Providers
import Queue

/// Acts on stored webhooks: loads the inbox row, marks it `processing`, dispatches by provider and event
/// type, and marks it `processed` (or `failed`, rethrowing so the queue retries).
///
/// Every action is safe to run twice (a retried or recovered job, a staff replay) and none moves anything
/// backwards, whatever order events arrive in:
/// - Salesforce order changes approve the Atrium order through ``OrderApproval`` (the state machine only moves
///   forward; a second approval is a no-op and enqueues no second saga) — see `WebhookProcessor+crm.swift`.
/// - Billing and SIM events invalidate the customer's cached reads; Atrium keeps no invoice or line state of its
///   own, so the next read fetches the upstream's current state — see `WebhookProcessor+cache.swift`.
/// - Supplier purchase-order events are noted on the order's timeline — see `WebhookProcessor+supplier.swift`.
struct WebhookProcessor: Sendable {
    let services: JobServices

    init(services: JobServices) { self.services = services }

    /// Processes inbox row `inboxID` unless it is processed already.
    ///
    /// - Throws: `PermanentJobError` for a row that does not exist or cannot be read (retrying cannot help);
    ///   any other failure after marking the row `failed`.
    func process(inboxID: UUID) async throws {
        let inbox = services.store.webhooks
        guard let stored = try await inbox.webhook(id: inboxID) else {
            throw PermanentJobError("webhook \(inboxID) is not in the inbox")
        }
        guard stored.status != .processed else {
            services.logger.debug("webhook already processed", metadata: ["inbox_id": "\(inboxID)"])
            return
        }
        let row = try await inbox.markProcessing(id: inboxID, at: services.clock.now())
        let note: String
        do {
            note = try await dispatch(row)
            try await inbox.markProcessed(id: inboxID, at: services.clock.now())
        } catch {
            let message = Self.describe(error)
            do {
                try await inbox.markFailed(id: inboxID, error: message, at: services.clock.now())
            } catch {
                services.logger.error("could not mark a webhook failed", metadata: ["inbox_id": "\(inboxID)", "error": "\(Self.describe(error))"])
            }
            services.logger.warning(
                "webhook processing failed",
                metadata: ["inbox_id": "\(inboxID)", "provider": "\(row.provider)", "event_type": "\(row.eventType)", "attempt": "\(row.attempts)", "error": "\(message)"]
            )
            throw error
        }
        services.logger.info(
            "webhook processed",
            metadata: ["inbox_id": "\(inboxID)", "provider": "\(row.provider)", "event_id": "\(row.eventID)", "event_type": "\(row.eventType)", "outcome": "\(note)"]
        )
    }

    /// Runs the provider's action; returns what it did, for the log.
    func dispatch(_ row: StoredWebhook) async throws -> String {
        guard let upstream = UpstreamID(rawValue: row.provider) else {
            throw PermanentJobError("webhook from an unknown provider")
        }
        switch upstream {
        case .stripe: return try await processStripe(row)
        case .whmcs: return try await processWHMCS(row)
        case .salesforce: return try await processSalesforce(row)
        case .sim: return try await processSIM(row)
        case .supplier: return try await processSupplier(row)
        }
    }

    /// Reads a stored body; the receiver checked it, so a failure here is permanent.
    func parsed<Event>(_ parse: () throws(WebhookPayloadError) -> Event) throws -> Event {
        do {
            return try parse()
        } catch {
            throw PermanentJobError(error.description)
        }
    }

    /// A description of `error` safe to store and log: the messages of Atrium's own error types, else the type.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as PermanentJobError: error.message
        case let error as ProviderError: error.description
        case let error as StoreError: error.description
        case let error as OrderTransitionError: "\(error)"
        case let error as WebhookPayloadError: error.description
        case let error as DeadlineExceeded: error.description
        default: String(reflecting: type(of: error))
        }
    }
}
