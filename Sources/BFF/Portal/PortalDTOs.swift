public import Foundation
public import Hummingbird
import Domain

// Wire types of the customer portal API. They are separate from the Domain types: the wire shape changes only
// on purpose. Conventions, decided once for every portal response:
// - keys are snake_case; absent optional values are omitted from the JSON (never `null`), except `next_cursor`;
// - times are ISO-8601 strings in UTC (`2024-05-01T12:00:00Z`);
// - money is ``MoneyDTO``: a decimal string in major units and an ISO 4217 code, never a float;
// - ids are the upstream system's ids, as strings, opaque to clients.

/// An amount of money: `{"amount": "12.34", "currency": "EUR"}`.
///
/// `amount` is a decimal string in the currency's major unit with exactly its minor-unit digits (`"12.50"` EUR,
/// `"1000"` JPY, `"-0.05"` for a credit), so clients never parse money through floating point.
public struct MoneyDTO: Codable, Sendable, Hashable {
    /// Decimal string in major units, e.g. `"12.34"`; negative for credits.
    public let amount: String
    /// ISO 4217 alphabetic code, upper case, e.g. `"EUR"`.
    public let currency: String

    init(_ money: Money) {
        self.amount = money.decimalString
        self.currency = money.currency.code
    }
}

/// One page of a list: `{"data": [...], "next_cursor": "…" | null}`.
///
/// Pass `next_cursor` back as `cursor` to get the next page; it is `null` on the last page. Cursors are opaque,
/// bound to the list and the user they were issued to, and rejected with 400 `validation` otherwise.
public struct ListDTO<Item: Codable & Sendable>: ResponseCodable, Sendable {
    /// The items of this page, in the list's order.
    public let data: [Item]
    /// The cursor of the next page; `null` (present, never omitted) on the last page.
    public let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }

    init(data: [Item], nextCursor: String?) {
        self.data = data
        self.nextCursor = nextCursor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        // Always present, so clients can test `next_cursor === null` for the last page.
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// `GET /me`: the signed-in customer's own account, from Atrium's store.
public struct ProfileDTO: ResponseCodable, Sendable {
    /// Atrium's user id (a UUID, lower case).
    public let id: String
    public let email: String
    /// The display name; omitted when the account has none.
    public let name: String?
    public let tenant: String
    /// Whether login asks for a TOTP code.
    public let mfaEnabled: Bool
    /// The upstream systems this account is linked to; a system missing here shows empty lists and a
    /// `not_linked` dashboard section.
    public let linkedSystems: [LinkedSystemDTO]

    enum CodingKeys: String, CodingKey {
        case id, email, name, tenant
        case mfaEnabled = "mfa_enabled"
        case linkedSystems = "linked_systems"
    }

    init(_ user: UserRecord) {
        self.id = user.id.uuidString.lowercased()
        self.email = user.email
        self.name = user.displayName
        self.tenant = user.tenant
        self.mfaEnabled = user.mfaEnabled
        var systems: [LinkedSystemDTO] = []
        let links = user.links
        if let provider = links.billingProvider, links.billingCustomerID?.isEmpty == false {
            systems.append(LinkedSystemDTO(system: "billing", provider: provider))
        }
        if links.crmAccountID?.isEmpty == false { systems.append(LinkedSystemDTO(system: "crm", provider: UpstreamID.salesforce.rawValue)) }
        if links.simAccountID?.isEmpty == false { systems.append(LinkedSystemDTO(system: "sim", provider: UpstreamID.sim.rawValue)) }
        self.linkedSystems = systems
    }
}

/// A system the account is linked to (the upstream ids themselves are not shown).
public struct LinkedSystemDTO: Codable, Sendable, Hashable {
    /// `billing`, `crm` or `sim`.
    public let system: String
    /// The upstream serving it: `stripe` or `whmcs` for billing, `salesforce` for the CRM, `sim` for the SIM platform.
    public let provider: String
}
