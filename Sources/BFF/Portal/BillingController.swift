import Domain
import Hummingbird

/// `GET /invoices`, `GET /invoices/{id}`, `GET /subscriptions`, `GET /payment-methods`.
///
/// The billing customer is the account's link; a customer without one gets empty lists and 404 for any id.
struct BillingController: Sendable {
    let services: AppServices
    let cursors: PortalCursorCodec
    var reads: PortalReads { PortalReads(services: services) }

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection(context: PortalContext.self)
        routes.get("invoices", use: invoices)
        routes.get("invoices/:id", use: invoice)
        routes.get("subscriptions", use: subscriptions)
        routes.get("payment-methods", use: paymentMethods)
        return routes
    }

    /// Newest first, paged by the billing system (the cursor carries its cursor and an offset into its batch).
    @Sendable func invoices(_ request: Request, context: PortalContext) async throws -> CachedResponse<ListDTO<InvoiceDTO>> {
        let user = context.customer.userID
        let query = try PortalListQuery(request, list: "invoices", user: user, codec: cursors)
        guard let billing = try await accounts(context).billing.value() else {
            return CachedResponse(body: ListDTO(data: [], nextCursor: nil), cache: nil)
        }
        let result = try await reads.invoices(billing, scope: context.customer.cacheScope, limit: query.limit, cursor: query.cursor?.upstream)
        let now = services.clock.now()
        let page = query.page(ofBatch: result.value, user: user, codec: cursors)
        let body = ListDTO(
            data: page.items.filter { $0.customerID == billing.customerID }.map { InvoiceDTO($0, now: now) },
            nextCursor: page.nextCursor
        )
        return CachedResponse(body: body, cache: result.status)
    }

    /// One invoice of this customer with its lines; any other id is 404.
    @Sendable func invoice(_ request: Request, context: PortalContext) async throws -> CachedResponse<InvoiceDetailDTO> {
        let id = try context.objectID("id")
        guard let billing = try await accounts(context).billing.value() else { throw PortalProblems.notFound() }
        let result = try await reads.invoice(billing, id: id, scope: context.customer.cacheScope)
        return CachedResponse(body: InvoiceDetailDTO(result.value, now: services.clock.now()), cache: result.status)
    }

    /// Every subscription, paged in memory in the billing system's order.
    @Sendable func subscriptions(_ request: Request, context: PortalContext) async throws -> CachedResponse<ListDTO<SubscriptionDTO>> {
        let user = context.customer.userID
        let query = try PortalListQuery(request, list: "subscriptions", user: user, codec: cursors)
        guard let billing = try await accounts(context).billing.value() else {
            return CachedResponse(body: ListDTO(data: [], nextCursor: nil), cache: nil)
        }
        let result = try await reads.subscriptions(billing, scope: context.customer.cacheScope)
        let page = query.page(of: result.value, user: user, codec: cursors)
        return CachedResponse(body: ListDTO(data: page.items.map(SubscriptionDTO.init), nextCursor: page.nextCursor), cache: result.status)
    }

    /// Every stored payment method, masked, paged in memory.
    @Sendable func paymentMethods(_ request: Request, context: PortalContext) async throws -> CachedResponse<ListDTO<PaymentMethodDTO>> {
        let user = context.customer.userID
        let query = try PortalListQuery(request, list: "payment-methods", user: user, codec: cursors)
        guard let billing = try await accounts(context).billing.value() else {
            return CachedResponse(body: ListDTO(data: [], nextCursor: nil), cache: nil)
        }
        let result = try await reads.paymentMethods(billing, scope: context.customer.cacheScope)
        let page = query.page(of: result.value, user: user, codec: cursors)
        return CachedResponse(body: ListDTO(data: page.items.map(PaymentMethodDTO.init), nextCursor: page.nextCursor), cache: result.status)
    }

    private func accounts(_ context: PortalContext) async throws -> CustomerAccounts {
        try await CustomerAccounts.resolve(context.customer, services: services)
    }
}
