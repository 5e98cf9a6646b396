import Domain
import Foundation
import Hummingbird
import Logging

/// `GET /me` and `GET /dashboard`.
struct DashboardController: Sendable {
    /// The one deadline the dashboard's three sections share.
    static let deadline: Duration = .milliseconds(2500)
    /// Invoices shown on the dashboard.
    static let recentInvoices = 5
    /// Invoices the amount due is summed over.
    static let invoicesForAmountDue = 20

    let services: AppServices
    var reads: PortalReads { PortalReads(services: services) }

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection(context: PortalContext.self)
        routes.get("me", use: me)
        routes.get("dashboard", use: dashboard)
        return routes
    }

    /// The signed-in account from Atrium's store (not cached: no upstream is involved).
    @Sendable func me(_ request: Request, context: PortalContext) async throws -> ProfileDTO {
        ProfileDTO(try await CustomerAccounts.resolve(context.customer, services: services).user)
    }

    /// Billing, CRM and SIM in parallel under ``deadline``; a section that fails or runs out of time is reported as
    /// `unavailable` and the others are still served. `X-Cache` combines the sections' reads.
    @Sendable func dashboard(_ request: Request, context: PortalContext) async throws -> CachedResponse<DashboardDTO> {
        let accounts = try await CustomerAccounts.resolve(context.customer, services: services)
        let scope = context.customer.cacheScope
        let now = services.clock.now()
        let logger = context.logger
        async let billing = section("billing", logger: logger) { try await billingSection(accounts.billing.value(), scope: scope, now: now) }
        async let crm = section("crm", logger: logger) { try await crmSection(accounts.crm.value(), scope: scope) }
        async let sims = section("sims", logger: logger) { try await simSection(accounts.sim.value(), scope: scope) }
        let (billingOutcome, crmOutcome, simOutcome) = await (billing, crm, sims)
        let body = DashboardDTO(
            billing: billingOutcome.value
                ?? BillingSectionDTO(status: billingOutcome.status, recentInvoices: nil, amountDue: nil, subscriptions: nil),
            crm: crmOutcome.value ?? CRMSectionDTO(status: crmOutcome.status, account: nil, openCases: nil),
            sims: simOutcome.value ?? SIMSectionDTO(status: simOutcome.status, lines: nil)
        )
        let statuses = billingOutcome.cache + crmOutcome.cache + simOutcome.cache
        return CachedResponse(body: body, cache: CacheStatus.combined(statuses))
    }

    // MARK: Sections

    /// What one section produced: its body (`nil` when not linked or failed), its status and its cache reads.
    struct Outcome<Body: Sendable>: Sendable {
        var value: Body?
        var status: String
        var cache: [CacheStatus]
    }

    /// Runs one section under the dashboard's deadline. The section's loader returns `nil` when not linked.
    private func section<Body: Sendable>(
        _ name: String,
        logger: Logger,
        load: @escaping @Sendable () async throws -> (Body, [CacheStatus])?
    ) async -> Outcome<Body> {
        do {
            guard let (body, cache) = try await withDeadline(Self.deadline, operation: load) else {
                return Outcome(value: nil, status: "not_linked", cache: [])
            }
            return Outcome(value: body, status: "ok", cache: cache)
        } catch {
            logger.warning("dashboard section unavailable", metadata: ["section": "\(name)", "error": "\(error)"])
            return Outcome(value: nil, status: "unavailable", cache: [])
        }
    }

    private func billingSection(
        _ billing: CustomerAccounts.Billing?,
        scope: CacheScope,
        now: Date
    ) async throws -> (BillingSectionDTO, [CacheStatus])? {
        guard let billing else { return nil }
        async let invoices = reads.invoices(billing, scope: scope, limit: Self.invoicesForAmountDue, cursor: nil)
        async let subscriptions = reads.subscriptions(billing, scope: scope)
        let (invoicePage, subscriptionList) = try await (invoices, subscriptions)
        let latest = invoicePage.value.items
        var due: [String: Money] = [:]
        var currencies: [String] = []
        for invoice in latest where invoice.isOverdue(at: now) || invoice.status == .open || invoice.status == .overdue {
            let code = invoice.currency.code
            if let sum = due[code] {
                due[code] = try sum.adding(invoice.amountDue)
            } else {
                due[code] = invoice.amountDue
                currencies.append(code)
            }
        }
        let body = BillingSectionDTO(
            status: "ok",
            recentInvoices: latest.prefix(Self.recentInvoices).map { InvoiceDTO($0, now: now) },
            amountDue: currencies.compactMap { due[$0] }.filter { $0.minorUnits != 0 }.map(MoneyDTO.init),
            subscriptions: subscriptionList.value.map(SubscriptionDTO.init)
        )
        return (body, [invoicePage.status, subscriptionList.status])
    }

    private func crmSection(_ crm: CustomerAccounts.CRM?, scope: CacheScope) async throws -> (CRMSectionDTO, [CacheStatus])? {
        guard let crm else { return nil }
        async let account = reads.crmAccount(crm, scope: scope)
        async let open = reads.openCasesCount(crm, scope: scope)
        let (accountResult, openResult) = try await (account, open)
        let value = accountResult.value
        let body = CRMSectionDTO(
            status: "ok",
            account: CRMAccountDTO(id: value.id, name: value.name, email: value.email?.value, phone: value.phone),
            openCases: openResult.value
        )
        return (body, [accountResult.status, openResult.status])
    }

    private func simSection(_ sim: CustomerAccounts.SIM?, scope: CacheScope) async throws -> (SIMSectionDTO, [CacheStatus])? {
        guard let sim else { return nil }
        let lines = try await reads.simLines(sim, scope: scope)
        return (SIMSectionDTO(status: "ok", lines: lines.value.map(SIMLineDTO.init)), [lines.status])
    }
}
