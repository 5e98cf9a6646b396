public import Foundation
public import Hummingbird

/// `GET /admin/customers?q=`: the matching customers and, per system, whether it was searched.
public struct AdminCustomerSearchDTO: ResponseCodable, Sendable {
    public let data: [AdminCustomerMatchDTO]
    /// `atrium`, `crm`, `billing` → `ok`, `unavailable` or `not_searched` (the query cannot be looked up there).
    public let sources: [String: String]
}

/// One customer found by a search.
public struct AdminCustomerMatchDTO: Codable, Sendable {
    public let id: String
    public let email: String
    public let name: String?
    /// The systems whose data matched: `atrium`, `crm`, `billing`, `sim`.
    public let matchedBy: [String]
    public let links: AdminCustomerLinksDTO

    enum CodingKeys: String, CodingKey {
        case id, email, name, links
        case matchedBy = "matched_by"
    }

    init(user: UserRecord, matchedBy: [String]) {
        self.id = user.id.uuidString.lowercased()
        self.email = user.email
        self.name = user.displayName
        self.matchedBy = matchedBy
        self.links = AdminCustomerLinksDTO(user.links)
    }
}

/// A customer's ids in the upstream systems (absent when not linked).
public struct AdminCustomerLinksDTO: Codable, Sendable {
    public let billingProvider: String?
    public let billingCustomerID: String?
    public let crmAccountID: String?
    public let simAccountID: String?

    enum CodingKeys: String, CodingKey {
        case billingProvider = "billing_provider"
        case billingCustomerID = "billing_customer_id"
        case crmAccountID = "crm_account_id"
        case simAccountID = "sim_account_id"
    }

    init(_ links: AccountLinks) {
        self.billingProvider = links.billingProvider
        self.billingCustomerID = links.billingCustomerID
        self.crmAccountID = links.crmAccountID
        self.simAccountID = links.simAccountID
    }
}

/// One section of the 360 view: `ok` with its items, or `not_linked` / `unavailable` without.
public struct AdminSectionDTO<Item: Codable & Sendable>: Codable, Sendable {
    public let status: String
    public let items: [Item]?
}

/// `GET /admin/customers/{id}`: everything about one customer.
public struct AdminCustomer360DTO: ResponseCodable, Sendable {
    public let profile: ProfileDTO
    public let links: AdminCustomerLinksDTO
    public let invoices: AdminSectionDTO<InvoiceDTO>
    public let subscriptions: AdminSectionDTO<SubscriptionDTO>
    public let sims: AdminSectionDTO<SIMLineDTO>
    public let orders: AdminSectionDTO<OrderDTO>
    public let cases: AdminSectionDTO<SupportCaseDTO>
}
