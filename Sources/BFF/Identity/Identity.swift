public import Foundation

/// What a user may do. Customers see only their own data; staff roles gate the admin routes (PRODUCT.md).
public enum Role: String, Codable, Sendable, CaseIterable, Hashable {
    case customer
    case admin, finance, sales, ops, security, product

    /// The staff roles, in PRODUCT.md's order.
    public static let staff: [Role] = [.admin, .finance, .sales, .ops, .security, .product]
    public var isStaff: Bool { self != .customer }
}

/// The two kinds of account. Their access tokens carry different audiences and are never interchangeable.
public enum UserKind: String, Codable, Sendable, Hashable, CaseIterable {
    case customer, staff

    /// The JWT `aud` of this kind's access tokens.
    public var audience: String {
        switch self {
        case .customer: "atrium-portal"
        case .staff: "atrium-admin"
        }
    }
}

/// Who made a request, as proven by a verified access token. Everything here comes from the token, never
/// from the request's query or body.
public struct AuthenticatedUser: Sendable, Hashable {
    public let userID: UUID
    public let tenant: String
    public let kind: UserKind
    public let roles: Set<Role>
    /// The refresh-token family the access token was issued with (logout revokes it).
    public let family: String?

    public init(userID: UUID, tenant: String, kind: UserKind, roles: Set<Role>, family: String?) {
        self.userID = userID
        self.tenant = tenant
        self.kind = kind
        self.roles = roles
        self.family = family
    }
}

/// A customer's identity in a portal handler: never optional there (see ``PortalContext``).
///
/// The customer id is the Atrium user id; the ids in billing, CRM and SIM systems are resolved from the
/// user's ``AccountLinks`` in the store, never taken from the request.
public struct CustomerIdentity: Sendable, Hashable {
    public let userID: UUID
    public let tenant: String
    public let family: String?

    public init(userID: UUID, tenant: String, family: String?) {
        self.userID = userID
        self.tenant = tenant
        self.family = family
    }

    /// The cache scope of this customer's data.
    public var cacheScope: CacheScope { .customer(tenant: tenant, customer: userID.uuidString.lowercased()) }
}
