public import Foundation

/// A tenant: one company running its portal on Atrium. Every customer and every cache key belongs to one.
public struct TenantID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { value }
}

/// The ids one customer has in each upstream system (billing customer, CRM account, SIM account, …).
public struct SystemLinks: Sendable, Hashable, Codable {
    public private(set) var ids: [UpstreamID: String]

    public init(_ ids: [UpstreamID: String] = [:]) { self.ids = ids }

    public subscript(_ system: UpstreamID) -> String? {
        get { ids[system] }
        set { ids[system] = newValue }
    }
}

/// A customer of a tenant, as Atrium knows them: identity plus links to each system.
public struct Customer: Sendable, Hashable, Codable, Identifiable {
    public let id: String
    public let tenant: TenantID
    public var email: EmailAddress
    public var name: String
    public var phone: String?
    public var links: SystemLinks

    public init(id: String, tenant: TenantID, email: EmailAddress, name: String, phone: String? = nil, links: SystemLinks = SystemLinks()) {
        self.id = id
        self.tenant = tenant
        self.email = email
        self.name = name
        self.phone = phone
        self.links = links
    }
}

/// A postal address as upstreams give it; every part optional because upstreams leave parts out.
public struct PostalAddress: Sendable, Hashable, Codable {
    public var line1: String?
    public var line2: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?
    /// ISO 3166-1 alpha-2 when the upstream gives one.
    public var country: String?

    public init(line1: String? = nil, line2: String? = nil, city: String? = nil, state: String? = nil, postalCode: String? = nil, country: String? = nil) {
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.country = country
    }

    public var isEmpty: Bool { [line1, line2, city, state, postalCode, country].allSatisfy { $0 == nil } }
}

/// The customer record of a billing system (a Stripe customer, a WHMCS client).
public struct BillingCustomer: Sendable, Hashable, Codable, Identifiable {
    /// The billing system's id.
    public let id: String
    public var email: EmailAddress?
    public var name: String
    public var company: String?
    public var phone: String?
    public var address: PostalAddress?
    /// The currency the customer is billed in, when the system fixes one.
    public var currency: Currency?
    /// Credit (negative) or amount owed (positive) on the account, when the system keeps a balance.
    public var balance: Money?
    public var createdAt: Date?

    public init(
        id: String, email: EmailAddress?, name: String, company: String? = nil, phone: String? = nil,
        address: PostalAddress? = nil, currency: Currency? = nil, balance: Money? = nil, createdAt: Date? = nil
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.company = company
        self.phone = phone
        self.address = address
        self.currency = currency
        self.balance = balance
        self.createdAt = createdAt
    }
}

/// The account record of a CRM (a Salesforce Account).
public struct CRMAccount: Sendable, Hashable, Codable, Identifiable {
    public let id: String
    public var name: String
    public var email: EmailAddress?
    public var phone: String?
    public var type: String?
    public var industry: String?
    public var address: PostalAddress?
    public var website: String?

    public init(
        id: String, name: String, email: EmailAddress? = nil, phone: String? = nil, type: String? = nil,
        industry: String? = nil, address: PostalAddress? = nil, website: String? = nil
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
        self.type = type
        self.industry = industry
        self.address = address
        self.website = website
    }
}
