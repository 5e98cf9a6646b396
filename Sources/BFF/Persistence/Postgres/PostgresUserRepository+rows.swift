import Foundation
import PostgresNIO

extension PostgresUserRepository {
    /// The columns ``UserRecord/init(row:)`` reads, in the order it reads them.
    static let columns = """
        u.id, u.tenant, u.email, u.password_hash, u.kind, u.roles, u.mfa_secret, u.mfa_enabled, u.failed_logins,
        u.locked_until, u.display_name, u.created_at, u.password_changed_at,
        l.billing_provider, l.billing_customer_id, l.crm_account_id, l.sim_account_id
        """
    static let from = "FROM users AS u LEFT JOIN account_links AS l ON l.user_id = u.id"
}

/// A stored value that no longer fits the model (a kind or role this build does not know).
struct UnexpectedStoredValue: Error, CustomStringConvertible {
    let column: String
    var description: String { "the database holds a value of \(column) this build does not know" }
}

extension UserRecord {
    /// Reads one row of ``PostgresUserRepository/columns``.
    init(row: PostgresRandomAccessRow) throws {
        guard let kind = UserKind(rawValue: try row["kind"].decode(String.self)) else { throw UnexpectedStoredValue(column: "kind") }
        let roles = try row["roles"].decode([String].self).map { name in
            guard let role = Role(rawValue: name) else { throw UnexpectedStoredValue(column: "roles") }
            return role
        }
        self.init(
            id: try row["id"].decode(UUID.self),
            tenant: try row["tenant"].decode(String.self),
            email: try row["email"].decode(String.self),
            passwordHash: try row["password_hash"].decode(String.self),
            kind: kind,
            roles: roles,
            mfaSecret: try row["mfa_secret"].decode(String?.self),
            mfaEnabled: try row["mfa_enabled"].decode(Bool.self),
            failedLogins: try row["failed_logins"].decode(Int.self),
            lockedUntil: try row["locked_until"].decode(Date?.self),
            displayName: try row["display_name"].decode(String?.self),
            links: AccountLinks(
                billingProvider: try row["billing_provider"].decode(String?.self),
                billingCustomerID: try row["billing_customer_id"].decode(String?.self),
                crmAccountID: try row["crm_account_id"].decode(String?.self),
                simAccountID: try row["sim_account_id"].decode(String?.self)
            ),
            createdAt: try row["created_at"].decode(Date.self),
            passwordChangedAt: try row["password_changed_at"].decode(Date.self)
        )
    }
}
