import Domain
import Foundation
import HTTPTypes
import Logging
import Providers

/// Places a customer's order (`POST /api/v1/orders`): validates it, records it as `draft`, creates it in the
/// CRM and moves it to `pending_approval`.
///
/// Checks, in order (the first that fails answers):
/// 1. The request: 1–``maxItems`` items, each a well-formed SKU listed once with a quantity of
///    1–``maxQuantity`` → 400 `validation` naming the field (`items[1].quantity`).
/// 2. The tenant's catalog (``PortalReads/catalog(tenant:)``, cached): every SKU active in it, a physical item not
///    out of stock, and a price plan in the order's currency → 422 `order-item-unavailable` naming the item.
/// 3. The account's links: a CRM account and a billing customer always, a SIM account when a SIM item is ordered
///    → 409 `account-not-linked` naming what is missing.
///
/// The order's currency is the billing customer's (the system that will charge it); when the billing system fixes
/// none, the currency of the first item's first price. Unit prices are the plan amounts in that currency; tax is
/// 0 at order time (the billing system computes it on its invoice), so `total` = `subtotal`.
///
/// If the CRM fails, the order is not left in `draft`: it moves to `failed` with the reason on its timeline, and
/// the answer names it (503 `upstream-unavailable`, or 422 `order-item-unavailable` when the CRM refused the
/// items). A retry (even with the same `Idempotency-Key`, since 5xx answers are not stored) places a new order.
struct OrderPlacement: Sendable {
    static let maxItems = 20
    static let maxQuantity = 10

    let services: AppServices
    var reads: PortalReads { PortalReads(services: services) }

    /// A validated line before pricing.
    struct Line: Sendable {
        let sku: SKU
        let quantity: Quantity
    }

    /// - Returns: The order as stored (`pending_approval`) and its timeline.
    func place(_ request: PlaceOrderRequestDTO, customer: CustomerIdentity, logger: Logger) async throws -> (Order, [OrderTimelineEntry]) {
        let lines = try Self.validate(request)
        let catalog = try await reads.catalog(tenant: customer.tenant).value
        let products = try lines.enumerated().map { index, line in
            guard let item = catalog.first(where: { $0.sku == line.sku && $0.isActive }) else {
                throw OrderProblems.itemUnavailable(index: index, "not in the catalog")
            }
            return item
        }
        let accounts = try await CustomerAccounts.resolve(customer, services: services)
        let crm = try accounts.crm.value()
        let billing = try accounts.billing.value()
        let sim = try accounts.sim.value()
        var missing: [String] = []
        if crm == nil { missing.append("crm") }
        if billing == nil { missing.append("billing") }
        if sim == nil, products.contains(where: { $0.kind == .sim }) { missing.append("sim (needed for SIM items)") }
        guard let crm, let billing, missing.isEmpty else { throw OrderProblems.accountNotLinked(missing) }

        let currency = try await orderCurrency(billing, products: products, scope: customer.cacheScope)
        let items = try zip(lines, products).enumerated().map { index, pair in try Self.price(pair.0, pair.1, index: index, currency: currency) }
        let subtotal = try Self.subtotal(items, currency: currency)
        let now = services.clock.now()
        let order = Order(
            id: UUID(), tenant: customer.tenant, userID: customer.userID, items: items, subtotal: subtotal,
            tax: Money(minorUnits: 0, currency: currency), total: subtotal, createdAt: now, updatedAt: now
        )
        let ledger = services.ledger
        _ = try await ledger.create(order, reason: "placed by the customer")
        let stored = try await recordInCRM(order, crm: crm, ledger: ledger, logger: logger)
        return (stored, try await services.store.orders.timeline(orderID: order.id, afterSeq: 0))
    }

    /// Creates the order in the CRM (idempotent by Atrium's order id) and moves it to `pending_approval`.
    private func recordInCRM(_ order: Order, crm: CustomerAccounts.CRM, ledger: OrderLedger, logger: Logger) async throws -> Order {
        let external: ExternalOrder
        do {
            let draft = try ExternalOrderDraft(
                accountID: crm.accountID, atriumOrderID: order.id.uuidString.lowercased(), items: order.items, effectiveDate: order.createdAt
            )
            external = try await crm.provider.createOrder(draft)
        } catch let error as ProviderError {
            logger.warning("CRM order creation failed", metadata: ["order": "\(order.id)", "error": "\(error)"])
            let refused = error.code == .rejected
            let reason = refused ? "The CRM refused the order's items." : "The CRM could not record the order; it is unavailable."
            do {
                try await ledger.transition(orderID: order.id, to: .failed, step: "crm.create", reason: reason) { $0.failureReason = reason }
            } catch {
                logger.error("order left in draft after a CRM failure", metadata: ["order": "\(order.id)", "error": "\(error)"])
            }
            let id = order.id.uuidString.lowercased()
            if refused {
                throw Problem(.orderItemUnavailable, status: .unprocessableContent, detail: "The CRM refused the order's items; order \(id) was recorded as failed.")
            }
            throw PortalProblems.upstreamUnavailable(
                "The CRM is unavailable; order \(id) was recorded as failed. Place the order again later.", retryAfter: error.retryAfter
            )
        }
        let label = external.number.map { "CRM order \($0)" } ?? "recorded in the CRM"
        return try await ledger.transition(orderID: order.id, to: .pendingApproval, step: "crm.create", reason: label) { order in
            order.crmOrderID = external.id
        }
    }

    /// The billing customer's currency (cached with the profile), else the first item's first price's.
    private func orderCurrency(_ billing: CustomerAccounts.Billing, products: [CatalogItem], scope: CacheScope) async throws -> Currency {
        let customer = try await reads.fetch(scope, .profile, "\(billing.customerID)/billing-customer", tags: [PortalCacheTag.profile, PortalCacheTag.billing]) {
            try await billing.provider.customer(id: billing.customerID)
        }
        if let currency = customer.value.currency { return currency }
        guard let currency = products.first?.pricePlans.first?.amount.currency else { throw OrderProblems.itemUnavailable(index: 0, "has no price") }
        return currency
    }

    // MARK: - Pure checks

    /// The request's lines, checked for shape.
    ///
    /// - Throws: 400 `validation` naming the first field that breaks a rule.
    static func validate(_ request: PlaceOrderRequestDTO) throws -> [Line] {
        guard !request.items.isEmpty else { throw PortalProblems.validation(field: "items", "at least one item is required") }
        guard request.items.count <= maxItems else { throw PortalProblems.validation(field: "items", "at most \(maxItems) items") }
        var seen: Set<SKU> = []
        return try request.items.enumerated().map { index, item in
            let sku: SKU
            do throws(ValidationError) { sku = try SKU(item.sku) } catch { throw PortalProblems.validation(field: "items[\(index)].sku", error.message) }
            guard seen.insert(sku).inserted else {
                throw PortalProblems.validation(field: "items[\(index)].sku", "listed more than once; order a larger quantity instead")
            }
            guard (1...maxQuantity).contains(item.quantity), let quantity = try? Quantity(item.quantity) else {
                throw PortalProblems.validation(field: "items[\(index)].quantity", "must be from 1 to \(maxQuantity)")
            }
            return Line(sku: sku, quantity: quantity)
        }
    }

    /// The order line of `line` for `product`, priced in `currency`.
    ///
    /// - Throws: 422 `order-item-unavailable` for a physical item out of stock or a product without a price in
    ///   `currency`.
    static func price(_ line: Line, _ product: CatalogItem, index: Int, currency: Currency) throws -> OrderItem {
        if product.kind == .physical, product.stock.availability == .outOfStock {
            throw OrderProblems.itemUnavailable(index: index, "out of stock")
        }
        guard let plan = product.pricePlans.first(where: { $0.amount.currency == currency }) else {
            throw OrderProblems.itemUnavailable(index: index, "has no price in \(currency.code)")
        }
        return OrderItem(sku: product.sku, name: product.name, kind: product.kind, quantity: line.quantity, unitPrice: plan.amount)
    }

    static func subtotal(_ items: [OrderItem], currency: Currency) throws -> Money {
        do {
            return try items.reduce(Money(minorUnits: 0, currency: currency)) { sum, item in try sum.adding(item.total()) }
        } catch {
            throw PortalProblems.validation(field: "items", "the order total is too large")
        }
    }
}
