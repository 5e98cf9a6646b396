import Domain
import Foundation
import Hummingbird
import Providers

/// A page of an upstream-paged list as the cache keeps it.
struct CachedPage<Item: Codable & Sendable>: Codable, Sendable {
    var items: [Item]
    var nextCursor: String?
}

/// Every upstream read of the portal, each through the cache with a per-customer key (the catalog: per tenant),
/// so the list routes and the dashboard share entries.
///
/// Object reads check ownership inside the load, so another customer's object is never even cached under this
/// customer's key, and again on the value returned (a cached entry may predate a change of links). Both give
/// the same 404 as a missing id.
struct PortalReads: Sendable {
    let services: AppServices

    /// Reads `resource` of `scope` through the cache.
    func fetch<Value: Codable & Sendable>(
        _ scope: CacheScope,
        _ resource: CacheResource,
        _ discriminator: String,
        tags: [String],
        load: @escaping @Sendable () async throws -> Value
    ) async throws -> CacheResult<Value> {
        let key = CacheKey(scope: scope, resource: resource, discriminator: discriminator)
        return try await services.cache.fetch(key, tags: PortalCacheTag.tags(tags, in: scope), load: load)
    }

    // MARK: Billing

    func invoices(_ billing: CustomerAccounts.Billing, scope: CacheScope, limit: Int, cursor: String?) async throws -> CacheResult<CachedPage<Invoice>> {
        let discriminator = "\(billing.customerID)?limit=\(limit)&cursor=\(cursor ?? "")"
        return try await fetch(scope, .invoices, discriminator, tags: [PortalCacheTag.invoices, PortalCacheTag.billing, PortalCacheTag.dashboard]) {
            let page = try await billing.provider.invoices(customerID: billing.customerID, page: PageRequest(cursor: cursor, limit: limit))
            return CachedPage(items: page.items, nextCursor: page.nextCursor)
        }
    }

    func invoice(_ billing: CustomerAccounts.Billing, id: String, scope: CacheScope) async throws -> CacheResult<Invoice> {
        let result = try await fetch(scope, .invoices, "\(billing.customerID)/invoice/\(id)", tags: [PortalCacheTag.invoices, PortalCacheTag.billing]) {
            let invoice = try await Self.lookup { try await billing.provider.invoice(id: id) }
            guard invoice.customerID == billing.customerID else { throw PortalProblems.notFound() }
            return invoice
        }
        guard result.value.customerID == billing.customerID else { throw PortalProblems.notFound() }
        return result
    }

    func subscriptions(_ billing: CustomerAccounts.Billing, scope: CacheScope) async throws -> CacheResult<[Subscription]> {
        let tags = [PortalCacheTag.subscriptions, PortalCacheTag.billing, PortalCacheTag.dashboard]
        let result = try await fetch(scope, .subscriptions, billing.customerID, tags: tags) {
            try await billing.provider.subscriptions(customerID: billing.customerID)
        }
        return CacheResult(value: result.value.filter { $0.customerID == billing.customerID }, status: result.status)
    }

    /// Payment methods share the subscriptions' freshness (the cache has no resource of their own).
    func paymentMethods(_ billing: CustomerAccounts.Billing, scope: CacheScope) async throws -> CacheResult<[PaymentMethod]> {
        let tags = [PortalCacheTag.paymentMethods, PortalCacheTag.billing]
        return try await fetch(scope, .subscriptions, "\(billing.customerID)/payment-methods", tags: tags) {
            try await billing.provider.paymentMethods(customerID: billing.customerID)
        }
    }

    // MARK: SIM

    func simLines(_ sim: CustomerAccounts.SIM, scope: CacheScope) async throws -> CacheResult<[SIMLine]> {
        let result = try await fetch(scope, .simDetails, "\(sim.accountID)/lines", tags: [PortalCacheTag.sims, PortalCacheTag.dashboard]) {
            try await sim.provider.lines(accountID: sim.accountID)
        }
        return CacheResult(value: result.value.filter { $0.accountID == sim.accountID }, status: result.status)
    }

    func simLine(_ sim: CustomerAccounts.SIM, id: String, scope: CacheScope) async throws -> CacheResult<SIMLine> {
        let result = try await fetch(scope, .simDetails, "\(sim.accountID)/line/\(id)", tags: [PortalCacheTag.sims]) {
            let line = try await Self.lookup { try await sim.provider.line(id: id) }
            guard line.accountID == sim.accountID else { throw PortalProblems.notFound() }
            return line
        }
        guard result.value.accountID == sim.accountID else { throw PortalProblems.notFound() }
        return result
    }

    /// Usage of a line the caller has already shown to be the customer's.
    func simUsage(_ sim: CustomerAccounts.SIM, lineID: String, scope: CacheScope) async throws -> CacheResult<DataUsage> {
        try await fetch(scope, .simUsage, "\(sim.accountID)/usage/\(lineID)", tags: [PortalCacheTag.sims, PortalCacheTag.simUsage]) {
            try await sim.provider.usage(lineID: lineID)
        }
    }

    // MARK: CRM

    func cases(_ crm: CustomerAccounts.CRM, scope: CacheScope, limit: Int, cursor: String?) async throws -> CacheResult<CachedPage<SupportCase>> {
        let discriminator = "\(crm.accountID)?limit=\(limit)&cursor=\(cursor ?? "")"
        let result = try await fetch(scope, .cases, discriminator, tags: [PortalCacheTag.cases, PortalCacheTag.crm]) {
            let page = try await crm.provider.cases(accountID: crm.accountID, page: PageRequest(cursor: cursor, limit: limit))
            return CachedPage(items: page.items, nextCursor: page.nextCursor)
        }
        var page = result.value
        page.items = page.items.filter { $0.accountID == crm.accountID }
        return CacheResult(value: page, status: result.status)
    }

    func supportCase(_ crm: CustomerAccounts.CRM, id: String, scope: CacheScope) async throws -> CacheResult<SupportCase> {
        let result = try await fetch(scope, .cases, "\(crm.accountID)/case/\(id)", tags: [PortalCacheTag.cases, PortalCacheTag.crm]) {
            let found = try await Self.lookup { try await crm.provider.supportCase(id: id) }
            guard found.accountID == crm.accountID else { throw PortalProblems.notFound() }
            return found
        }
        guard result.value.accountID == crm.accountID else { throw PortalProblems.notFound() }
        return result
    }

    func crmAccount(_ crm: CustomerAccounts.CRM, scope: CacheScope) async throws -> CacheResult<CRMAccount> {
        try await fetch(scope, .profile, "\(crm.accountID)/crm-account", tags: [PortalCacheTag.profile, PortalCacheTag.crm, PortalCacheTag.dashboard]) {
            try await crm.provider.account(id: crm.accountID)
        }
    }

    /// Cases not closed, over the newest ``openCasesPages`` pages of 100.
    static let openCasesPages = 5

    func openCasesCount(_ crm: CustomerAccounts.CRM, scope: CacheScope) async throws -> CacheResult<Int> {
        try await fetch(scope, .cases, "\(crm.accountID)/open-count", tags: [PortalCacheTag.cases, PortalCacheTag.crm, PortalCacheTag.dashboard]) {
            var count = 0
            var cursor: String?
            for _ in 0..<Self.openCasesPages {
                let page = try await crm.provider.cases(accountID: crm.accountID, page: PageRequest(cursor: cursor, limit: 100))
                count += page.items.filter { $0.accountID == crm.accountID && $0.status != .closed }.count
                guard let next = page.nextCursor else { break }
                cursor = next
            }
            return count
        }
    }

    /// An upstream read by id: an id the upstream refuses as malformed is as missing as an unknown one (404).
    static func lookup<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as ProviderError where error.code == .rejected {
            throw PortalProblems.notFound()
        }
    }

    // MARK: Catalog

    /// Pages of 100 followed for the catalog, at most.
    static let catalogPages = 20

    /// The tenant's whole active catalog (CRM products), shared by every customer of the tenant.
    func catalog(tenant: String) async throws -> CacheResult<[CatalogItem]> {
        guard let crm = services.providers.crm else {
            throw PortalProblems.upstreamUnavailable("The product catalog is not configured.")
        }
        return try await fetch(.global(tenant: tenant), .catalog, "products", tags: [PortalCacheTag.catalog]) {
            var items: [CatalogItem] = []
            var cursor: String?
            for _ in 0..<Self.catalogPages {
                let page = try await crm.products(page: PageRequest(cursor: cursor, limit: 100))
                items += page.items.filter(\.isActive)
                guard let next = page.nextCursor else { break }
                cursor = next
            }
            return items
        }
    }
}

extension PortalContext {
    /// A path parameter naming an upstream object. An id that no upstream could have (empty, over 128 bytes,
    /// outside `A-Z a-z 0-9 - _ .`) is a 404 like any other missing object, and never reaches an upstream.
    func objectID(_ name: String) throws -> String {
        guard let id = parameters.get(name), (1...128).contains(id.utf8.count),
            id.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E
            }),
            id != ".", id != ".."
        else { throw PortalProblems.notFound() }
        return id
    }
}
