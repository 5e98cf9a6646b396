import Domain
import Foundation
import Providers

/// Finds the tenant's customers for `GET /admin/customers?q=` across Atrium's store, the CRM and billing.
///
/// What each system can actually search (the adapters have no free-text search):
/// - Atrium's store: a user id, the exact email, any linked id (billing customer, CRM account, SIM account), and a
///   case-insensitive substring of the email or display name over the tenant's first ``scanLimit`` accounts.
/// - CRM: `account(email:)` when the query is an email (the CRM's email may differ from Atrium's), mapped back to
///   the Atrium user linked to that account.
/// - Billing: `customer(id:)` on every configured billing system when the query looks like an id (no spaces, no `@`),
///   mapped back to the Atrium user linked to that customer.
/// Phone numbers are not searchable: neither adapter nor the store can look one up. Upstream records no Atrium
/// user of this tenant is linked to are not returned (their tenant cannot be known).
struct AdminCustomerSearch: Sendable {
    static let scanLimit = 2000
    static let maximumResults = 50

    let services: AppServices
    let tenant: String

    /// One customer found, with the systems that matched.
    struct Match: Sendable {
        var user: UserRecord
        var systems: Set<String>
    }

    /// The matches, and per upstream `ok`, `unavailable` or `not_searched`.
    func run(_ query: String) async throws -> (matches: [Match], sources: [String: String]) {
        var found: [UUID: Match] = [:]
        func add(_ user: UserRecord?, _ system: String) {
            guard let user, user.tenant == tenant, user.kind == .customer else { return }
            found[user.id, default: Match(user: user, systems: [])].systems.insert(system)
        }
        let users = services.store.users
        if let id = UUID(uuidString: query) { add(try await users.user(id: id), "atrium") }
        if query.contains("@") { add(try await users.user(email: query), "atrium") }
        for provider in services.providers.billing.keys {
            add(try await users.user(linkedTo: .billing(provider: provider.rawValue), externalID: query), "billing")
        }
        add(try await users.user(linkedTo: .crm, externalID: query), "crm")
        add(try await users.user(linkedTo: .sim, externalID: query), "sim")
        let needle = query.lowercased()
        var offset = 0
        while offset < Self.scanLimit {
            let page = try await users.users(tenant: tenant, offset: offset, limit: 200)
            for user in page where user.email.contains(needle) || (user.displayName?.lowercased().contains(needle) ?? false) {
                add(user, "atrium")
            }
            guard page.count == 200 else { break }
            offset += 200
        }

        var sources = ["crm": "not_searched", "billing": "not_searched"]
        async let crm = crmMatch(query)
        async let billing = billingMatches(query)
        let (crmResult, billingResult) = await (crm, billing)
        if let crmResult {
            sources["crm"] = crmResult.status
            for id in crmResult.ids { add(try await users.user(linkedTo: .crm, externalID: id), "crm") }
        }
        if let billingResult {
            sources["billing"] = billingResult.status
            for (provider, id) in billingResult.ids {
                add(try await users.user(linkedTo: .billing(provider: provider), externalID: id), "billing")
            }
        }
        let matches = found.values.sorted { ($0.user.email, $0.user.id.uuidString) < ($1.user.email, $1.user.id.uuidString) }
        return (Array(matches.prefix(Self.maximumResults)), sources)
    }

    /// The CRM account whose email is `query`; nil when the query is not an email or there is no CRM.
    private func crmMatch(_ query: String) async -> (status: String, ids: [String])? {
        guard let crm = services.providers.crm, let email = try? EmailAddress(query) else { return nil }
        do {
            let account = try await withDeadline(AdminCustomerController.deadline) { try await crm.account(email: email) }
            return ("ok", account.map { [$0.id] } ?? [])
        } catch {
            return ("unavailable", [])
        }
    }

    /// The billing customers whose id is `query`, over every billing system; nil when the query is not id-like.
    private func billingMatches(_ query: String) async -> (status: String, ids: [(String, String)])? {
        let idLike = query.count <= 64 && !query.contains("@") && !query.contains(where: \.isWhitespace)
        guard idLike, !services.providers.billing.isEmpty else { return nil }
        var status = "ok"
        var ids: [(String, String)] = []
        for (upstream, provider) in services.providers.billing {
            do {
                let customer = try await withDeadline(AdminCustomerController.deadline) { try await provider.customer(id: query) }
                ids.append((upstream.rawValue, customer.id))
            } catch let error as ProviderError where error.code == .notFound || error.code == .rejected || error.code == .invalidPayload {
                continue
            } catch {
                status = "unavailable"
            }
        }
        return (status, ids)
    }
}
