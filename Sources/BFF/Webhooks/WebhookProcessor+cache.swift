import Domain
import Foundation

/// Billing and SIM events: invalidate the customer's cached reads.
///
/// Atrium stores no invoice, subscription or line state: the portal reads them from the upstream through the
/// cache. Processing an event therefore only drops the customer's affected cache entries (by tag), and the next
/// read fetches the upstream's *current* state. An event that arrives late, twice or out of order (an
/// `invoice.finalized` after its `invoice.paid`) can thus never move an invoice backwards: whatever the order,
/// the cache is refilled from what the upstream says now.
extension WebhookProcessor {
    /// Stripe `invoice.*`, `customer.subscription.*`, payment and customer events, for the customer of
    /// `data.object`.
    func processStripe(_ row: StoredWebhook) async throws -> String {
        let event = try parsed { () throws(WebhookPayloadError) in try StripeWebhookEvent.parse(row.payload) }
        guard let tags = Self.stripeTags(row.eventType) else { return "no cached data depends on \(row.eventType)" }
        guard let customer = event.customerID, !customer.isEmpty else { return "the event names no customer" }
        return try await invalidate(.billing(provider: UpstreamID.stripe.rawValue), externalID: customer, tags: tags)
    }

    /// WHMCS hooks (`InvoicePaid`, `AcceptOrder`, `CancelOrder`, `ServiceStatusChange`, …), for the client in
    /// `vars.userid`. Orders are not advanced from them: the saga places and accepts the billing order itself.
    func processWHMCS(_ row: StoredWebhook) async throws -> String {
        let event = try parsed { () throws(WebhookPayloadError) in try WHMCSWebhookEvent.parse(row.payload) }
        guard let tags = Self.whmcsTags(row.eventType) else { return "no cached data depends on \(row.eventType)" }
        guard let client = event.clientID, !client.isEmpty else { return "the hook names no client" }
        return try await invalidate(.billing(provider: UpstreamID.whmcs.rawValue), externalID: client, tags: tags)
    }

    /// SIM platform `line.*` and `operation.failed` events, for the account of the line.
    func processSIM(_ row: StoredWebhook) async throws -> String {
        let event = try parsed { () throws(WebhookPayloadError) in try SIMWebhookEvent.parse(row.payload) }
        guard let account = event.accountID else { return "the event names no SIM account" }
        let tags = [PortalCacheTag.sims, PortalCacheTag.simUsage, PortalCacheTag.dashboard]
        return try await invalidate(.sim, externalID: account, tags: tags)
    }

    /// The portal cache tags a Stripe event type affects; nil when none.
    static func stripeTags(_ type: String) -> [String]? {
        let invoices = [PortalCacheTag.invoices, PortalCacheTag.billing, PortalCacheTag.dashboard]
        let prefixes: [(String, [String])] = [
            ("invoice.", invoices), ("invoiceitem.", invoices), ("invoice_payment.", invoices), ("charge.", invoices),
            ("payment_intent.", invoices), ("credit_note.", invoices),
            ("customer.subscription.", [PortalCacheTag.subscriptions, PortalCacheTag.invoices, PortalCacheTag.billing, PortalCacheTag.dashboard]),
            ("payment_method.", [PortalCacheTag.paymentMethods, PortalCacheTag.billing]),
            ("customer.source.", [PortalCacheTag.paymentMethods, PortalCacheTag.billing]),
            ("customer.", [PortalCacheTag.billing, PortalCacheTag.dashboard]),
        ]
        return prefixes.first { type.hasPrefix($0.0) }?.1
    }

    /// The portal cache tags a WHMCS hook affects, by its name; nil when none.
    static func whmcsTags(_ event: String) -> [String]? {
        if event.contains("Order") {
            return [PortalCacheTag.invoices, PortalCacheTag.subscriptions, PortalCacheTag.billing, PortalCacheTag.dashboard]
        }
        if event.contains("Invoice") || event.contains("Payment") || event.contains("Transaction") {
            return [PortalCacheTag.invoices, PortalCacheTag.billing, PortalCacheTag.dashboard]
        }
        if event.contains("Service") || event.contains("Module") || event.contains("Product") {
            return [PortalCacheTag.subscriptions, PortalCacheTag.billing, PortalCacheTag.dashboard]
        }
        return nil
    }

    /// Drops `tags` of the user linked to `externalID` in `system`.
    ///
    /// - Throws: a store or cache failure (the job retries; until then the entries expire by their TTL).
    func invalidate(_ system: AccountLinkSystem, externalID: String, tags: [String]) async throws -> String {
        guard let user = try await services.store.users.user(linkedTo: system, externalID: externalID) else {
            return "no Atrium user is linked to the account"
        }
        let scope = CustomerIdentity(userID: user.id, tenant: user.tenant, family: nil).cacheScope
        var removed = 0
        for tag in PortalCacheTag.tags(tags, in: scope) {
            removed += try await services.cache.invalidate(tag)
        }
        return "invalidated \(tags.joined(separator: ",")) of user \(user.id) (\(removed) entries)"
    }
}
