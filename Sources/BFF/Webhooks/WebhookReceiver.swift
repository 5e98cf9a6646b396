import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import Queue

/// Receives one upstream's webhooks: verify, store, queue, acknowledge.
///
/// In order, for each request (after the edge has refused a declared body over the limit with 413):
/// 1. A body that is not `application/json` (or `application/*+json`) is 415.
/// 2. No configured secret for the upstream: 503 `webhook-not-configured` (logged once per receiver), so the
///    upstream keeps the event and retries once the operator has configured one.
/// 3. The raw body is read (bounded by the body limit: 413 beyond it) and its signature verified on those
///    exact bytes before anything parses them: 401 `webhook-signature-invalid` or
///    `webhook-timestamp-out-of-tolerance` (details at debug in the log only).
/// 4. The event id and type are read: 400 `webhook-payload-invalid` when the body is not the upstream's event
///    JSON or has no id (a retry cannot fix it).
/// 5. The event goes into the inbox, which returns once the row is committed. Any failure, or no answer
///    within ``WebhookRoutes/Limits/store``, is 503 and nothing is acknowledged: the upstream retries. (A row
///    that commits after the deadline is found as a duplicate by that retry.)
/// 6. A new event's `webhook.process` job is enqueued (job id = inbox id); a failure is 503, the row stays and
///    the retry, a duplicate, enqueues again. A duplicate whose row is not `processed` is enqueued again too
///    (a no-op while its job exists; it recovers an enqueue lost before).
/// 7. 200 ``WebhookAcknowledgement``. Processing happens in the job, never in the request.
struct WebhookReceiver: Sendable {
    let upstream: WebhookUpstream
    let services: AppServices
    let limits: WebhookRoutes.Limits
    /// Whether the missing secret was logged already (once per receiver, not per request).
    private let warnedUnconfigured = NIOLockedValueBox(false)

    init(upstream: WebhookUpstream, services: AppServices, limits: WebhookRoutes.Limits) {
        self.upstream = upstream
        self.services = services
        self.limits = limits
    }

    /// Runs the steps above and counts the outcome in `atrium_webhooks_received_total` / `_rejected_total`
    /// (reason: the problem slug, e.g. `webhook-signature-invalid`; `internal` for any other error).
    func receive(_ request: Request, context: AppRequestContext) async throws -> WebhookAcknowledgement {
        do {
            let acknowledgement = try await handle(request, context: context)
            services.metrics.webhookReceived(provider: upstream.id.rawValue, duplicate: acknowledgement.duplicate)
            return acknowledgement
        } catch {
            let reason = (error as? Problem).map { String($0.kind.type.split(separator: ":").last ?? "internal") } ?? "internal"
            services.metrics.webhookRejected(provider: upstream.id.rawValue, reason: reason)
            throw error
        }
    }

    private func handle(_ request: Request, context: AppRequestContext) async throws -> WebhookAcknowledgement {
        guard EdgeMiddleware.isJSON(request.headers[.contentType]) else { throw WebhookProblems.unsupportedMediaType() }
        let secrets = (services.providers.webhookSecrets[upstream.id] ?? []).filter { !$0.value.isEmpty }
        guard !secrets.isEmpty else {
            if warnedUnconfigured.withLockedValue({ warned in defer { warned = true }; return !warned }) {
                context.logger.error("webhook refused: no signing secret configured", metadata: ["provider": "\(upstream.id.rawValue)"])
            }
            throw WebhookProblems.notConfigured()
        }
        var request = request
        let body: Data
        do {
            body = Data(buffer: try await request.collectBody(upTo: context.requestMeta.maxBodyBytes))
        } catch is NIOTooManyBytesError {
            throw EdgeMiddleware.tooLarge(limit: context.requestMeta.maxBodyBytes)
        }
        let now = services.clock.now()
        do {
            try upstream.verify(headers: request.headers, body: body, secrets: secrets, now: now)
        } catch {
            context.logger.debug("webhook signature refused", metadata: ["provider": "\(upstream.id.rawValue)", "reason": "\(error.detail)"])
            throw WebhookProblems.signature(error)
        }
        let identity: WebhookEventIdentity
        do {
            identity = try upstream.identify(body: body, headers: request.headers)
        } catch {
            context.logger.notice("verified webhook with an invalid body", metadata: ["provider": "\(upstream.id.rawValue)", "reason": "\(error.message)"])
            throw WebhookProblems.payload(error)
        }
        var kept: [String: String] = [:]
        for name in upstream.keptHeaders {
            if let value = request.headers[name] { kept[name.canonicalName] = String(value.prefix(256)) }
        }
        let inbound = InboundWebhook(
            provider: upstream.id.rawValue, eventID: identity.eventID, eventType: identity.eventType, payload: body, headers: kept,
            receivedAt: now
        )
        let receipt = try await store(inbound, logger: context.logger)
        let row = receipt.webhook
        let duplicate: Bool
        if case .duplicate = receipt { duplicate = true } else { duplicate = false }
        if !duplicate || row.status != .processed {
            try await enqueue(row, logger: context.logger)
        }
        context.logger.info(
            "webhook received",
            metadata: [
                "provider": "\(row.provider)", "event_id": "\(row.eventID)", "event_type": "\(row.eventType)", "inbox_id": "\(row.id)",
                "duplicate": "\(duplicate)",
            ]
        )
        return WebhookAcknowledgement(duplicate: duplicate)
    }

    /// Inserts into the inbox (committed when this returns), or a 503 problem.
    private func store(_ inbound: InboundWebhook, logger: Logger) async throws -> WebhookReceipt {
        let inbox = services.store.webhooks
        do {
            return try await withDeadline(limits.store) { try await inbox.receive(inbound) }
        } catch {
            logger.error(
                "webhook not stored; answering 503 so the upstream retries",
                metadata: ["provider": "\(inbound.provider)", "event_id": "\(inbound.eventID)", "error": "\(Self.safeDescription(error))"]
            )
            throw WebhookProblems.unavailable()
        }
    }

    /// Enqueues the row's processing (a no-op while its job exists), or a 503 problem.
    private func enqueue(_ row: StoredWebhook, logger: Logger) async throws {
        guard let queue = services.jobs[WebhookProcessingJob.queue] else {
            logger.error("no webhooks queue; answering 503", metadata: ["inbox_id": "\(row.id)"])
            throw WebhookProblems.unavailable()
        }
        let now = services.clock.now()
        do {
            _ = try await withDeadline(limits.enqueue) { try await WebhookProcessingJob.enqueue(inboxID: row.id, on: queue, now: now) }
        } catch {
            logger.error(
                "webhook stored but its processing not queued; answering 503 so the upstream retries",
                metadata: ["inbox_id": "\(row.id)", "error": "\(Self.safeDescription(error))"]
            )
            throw WebhookProblems.unavailable()
        }
    }

    /// The error's description when it is one of ours (written to be safe to log), else only its type.
    static func safeDescription(_ error: any Error) -> String {
        switch error {
        case let error as StoreError: error.description
        case let error as DeadlineExceeded: error.description
        default: String(reflecting: type(of: error))
        }
    }
}
