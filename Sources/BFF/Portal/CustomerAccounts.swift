import Domain
import Foundation
import Providers

/// One customer's ids in the upstream systems, resolved from the store's ``AccountLinks`` (never from the
/// request), each with the adapter that serves it.
///
/// A system without a link is ``Link/notLinked``: its lists are empty and its objects do not exist for this
/// customer. A link whose system has no configured adapter is ``Link/unconfigured``: reading it answers 503,
/// because "empty" would be a lie.
struct CustomerAccounts: Sendable {
    enum Link<Value: Sendable>: Sendable {
        case notLinked
        case unconfigured(system: String)
        case linked(Value)

        /// The linked value, `nil` when not linked.
        ///
        /// - Throws: 503 `upstream-unavailable` when the link exists but its system is not configured.
        func value() throws -> Value? {
            switch self {
            case .notLinked: return nil
            case .unconfigured(let system): throw PortalProblems.upstreamUnavailable("The \(system) of this account is not configured.")
            case .linked(let value): return value
            }
        }
    }

    struct Billing: Sendable {
        let provider: any BillingProvider
        let customerID: String
    }

    struct CRM: Sendable {
        let provider: any CRMProvider
        let accountID: String
    }

    struct SIM: Sendable {
        let provider: any SIMProvider
        let accountID: String
    }

    let user: UserRecord
    let billing: Link<Billing>
    let crm: Link<CRM>
    let sim: Link<SIM>

    /// Loads the links of `customer` from the store.
    ///
    /// - Throws: 404 when the account no longer exists, is not a customer account, or belongs to another tenant
    ///   than the token says.
    static func resolve(_ customer: CustomerIdentity, services: AppServices) async throws -> CustomerAccounts {
        guard let user = try await services.store.users.user(id: customer.userID), user.tenant == customer.tenant, user.kind == .customer
        else { throw PortalProblems.notFound() }
        let links = user.links
        let providers = services.providers

        var billing: Link<Billing> = .notLinked
        if let customerID = nonEmpty(links.billingCustomerID) {
            if let upstream = links.billingProvider.flatMap(UpstreamID.init(rawValue:)), let provider = providers.billing[upstream] {
                billing = .linked(Billing(provider: provider, customerID: customerID))
            } else {
                billing = .unconfigured(system: "billing system")
            }
        }
        var crm: Link<CRM> = .notLinked
        if let accountID = nonEmpty(links.crmAccountID) {
            crm = providers.crm.map { .linked(CRM(provider: $0, accountID: accountID)) } ?? .unconfigured(system: "CRM")
        }
        var sim: Link<SIM> = .notLinked
        if let accountID = nonEmpty(links.simAccountID) {
            sim = providers.sim.map { .linked(SIM(provider: $0, accountID: accountID)) } ?? .unconfigured(system: "SIM platform")
        }
        return CustomerAccounts(user: user, billing: billing, crm: crm, sim: sim)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
