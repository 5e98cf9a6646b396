import Domain
import Foundation
import Hummingbird
import Logging

/// `GET /admin/customers?q=` (search, ``AdminCustomerSearch``) and `GET /admin/customers/{id}` (the 360 view).
///
/// Both are reads: they write no audit row. A customer of another tenant is 404, like a missing one.
struct AdminCustomerController: Sendable {
    /// The one deadline the 360 view's upstream sections (and the search's upstream look-ups) share.
    static let deadline: Duration = .milliseconds(2500)
    /// Items per section of the 360 view (first page only).
    static let sectionLimit = 20

    let services: AppServices
    var reads: PortalReads { PortalReads(services: services) }

    @Sendable func search(_ request: Request, context: StaffContext) async throws -> AdminCustomerSearchDTO {
        let raw = request.uri.queryParameters.get("q").map { String($0) } ?? ""
        let query = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(query.count) else { throw PortalProblems.validation(field: "q", "must be 1 to 200 characters") }
        let (matches, sources) = try await AdminCustomerSearch(services: services, tenant: context.staff.tenant).run(query)
        return AdminCustomerSearchDTO(
            data: matches.map { AdminCustomerMatchDTO(user: $0.user, matchedBy: $0.systems.sorted()) },
            sources: sources.merging(["atrium": "ok"]) { first, _ in first }
        )
    }

    /// Profile and links from the store; invoices, subscriptions, SIMs and cases from the upstreams in parallel
    /// under ``deadline``; orders from the store. Each section is `ok`, `not_linked` or `unavailable`.
    @Sendable func view(_ request: Request, context: StaffContext) async throws -> AdminCustomer360DTO {
        guard let raw = context.parameters.get("id"), let id = UUID(uuidString: raw) else { throw PortalProblems.notFound() }
        let customer = CustomerIdentity(userID: id, tenant: context.staff.tenant, family: nil)
        let accounts = try await CustomerAccounts.resolve(customer, services: services)
        let scope = customer.cacheScope
        let now = services.clock.now()
        let logger = context.logger
        let reads = self.reads
        let store = services.store
        async let invoices = Self.section("invoices", logger) { () async throws -> [InvoiceDTO]? in
            guard let billing = try accounts.billing.value() else { return nil }
            let page = try await reads.invoices(billing, scope: scope, limit: Self.sectionLimit, cursor: nil)
            return page.value.items.map { InvoiceDTO($0, now: now) }
        }
        async let subscriptions = Self.section("subscriptions", logger) { () async throws -> [SubscriptionDTO]? in
            guard let billing = try accounts.billing.value() else { return nil }
            return try await reads.subscriptions(billing, scope: scope).value.map(SubscriptionDTO.init)
        }
        async let sims = Self.section("sims", logger) { () async throws -> [SIMLineDTO]? in
            guard let sim = try accounts.sim.value() else { return nil }
            return try await reads.simLines(sim, scope: scope).value.map(SIMLineDTO.init)
        }
        async let cases = Self.section("cases", logger) { () async throws -> [SupportCaseDTO]? in
            guard let crm = try accounts.crm.value() else { return nil }
            let page = try await reads.cases(crm, scope: scope, limit: Self.sectionLimit, cursor: nil)
            return page.value.items.map(SupportCaseDTO.init)
        }
        async let orders = Self.section("orders", logger) { () async throws -> [OrderDTO]? in
            try await store.orders.orders(userID: id, after: nil, limit: Self.sectionLimit).map(OrderDTO.init)
        }
        return AdminCustomer360DTO(
            profile: ProfileDTO(accounts.user),
            links: AdminCustomerLinksDTO(accounts.user.links),
            invoices: await invoices, subscriptions: await subscriptions, sims: await sims, orders: await orders, cases: await cases
        )
    }

    /// Runs one section under ``deadline``: `not_linked` when the loader returns nil, `unavailable` when it fails.
    static func section<Item: Codable & Sendable>(
        _ name: String, _ logger: Logger, load: @escaping @Sendable () async throws -> [Item]?
    ) async -> AdminSectionDTO<Item> {
        do {
            guard let items = try await withDeadline(deadline, operation: load) else { return AdminSectionDTO(status: "not_linked", items: nil) }
            return AdminSectionDTO(status: "ok", items: items)
        } catch {
            logger.warning("customer 360 section unavailable", metadata: ["section": "\(name)", "error": "\(error)"])
            return AdminSectionDTO(status: "unavailable", items: nil)
        }
    }
}
