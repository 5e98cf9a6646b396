public import Foundation

/// An Atrium account as the store keeps it.
///
/// The email is kept normalised (trimmed, lower-cased) and is unique across the deployment, so login needs no
/// tenant. The password hash is the bcrypt string of ``PasswordHasher``; it never leaves the server.
public struct UserRecord: Sendable, Hashable, Codable {
    public var id: UUID
    public var tenant: String
    public var email: String
    public var passwordHash: String
    public var kind: UserKind
    public var roles: [Role]
    /// Base32 TOTP secret; set by MFA enrolment, used for login only once `mfaEnabled` (after a verified code).
    public var mfaSecret: String?
    public var mfaEnabled: Bool
    /// Consecutive failed logins since the last success or lock.
    public var failedLogins: Int
    public var lockedUntil: Date?
    public var displayName: String?
    public var links: AccountLinks
    public var createdAt: Date
    public var passwordChangedAt: Date

    public init(
        id: UUID = UUID(),
        tenant: String,
        email: String,
        passwordHash: String,
        kind: UserKind,
        roles: [Role],
        mfaSecret: String? = nil,
        mfaEnabled: Bool = false,
        failedLogins: Int = 0,
        lockedUntil: Date? = nil,
        displayName: String? = nil,
        links: AccountLinks = AccountLinks(),
        createdAt: Date,
        passwordChangedAt: Date? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.email = email
        self.passwordHash = passwordHash
        self.kind = kind
        self.roles = roles
        self.mfaSecret = mfaSecret
        self.mfaEnabled = mfaEnabled
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
        self.displayName = displayName
        self.links = links
        self.createdAt = createdAt
        self.passwordChangedAt = passwordChangedAt ?? createdAt
    }

    /// Trims and lower-cases an email address the way the store keys it.
    public static func normalise(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

/// A user's ids in the systems Atrium aggregates (user ↔ billing customer ↔ CRM account ↔ SIM account).
public struct AccountLinks: Sendable, Hashable, Codable {
    /// Which billing upstream holds the customer: `stripe` or `whmcs` (an `UpstreamID` raw value).
    public var billingProvider: String?
    public var billingCustomerID: String?
    public var crmAccountID: String?
    public var simAccountID: String?

    public init(billingProvider: String? = nil, billingCustomerID: String? = nil, crmAccountID: String? = nil, simAccountID: String? = nil) {
        self.billingProvider = billingProvider
        self.billingCustomerID = billingCustomerID
        self.crmAccountID = crmAccountID
        self.simAccountID = simAccountID
    }
}

/// When repeated login failures throttle and then lock an account.
public struct LockoutPolicy: Sendable, Hashable {
    /// Failures that lock the account (the design's 5).
    public var maxFailures: Int
    /// How long a lock lasts (the design's 30 minutes).
    public var lockDuration: Duration

    public init(maxFailures: Int = 5, lockDuration: Duration = .seconds(30 * 60)) {
        self.maxFailures = maxFailures
        self.lockDuration = lockDuration
    }
}

/// The account's state after one more failed login, decided atomically by the store.
public struct LoginFailureOutcome: Sendable, Hashable {
    public var failedLogins: Int
    /// Set when this failure locked the account (or it was already locked).
    public var lockedUntil: Date?
    /// True when this very failure crossed the threshold (the audit log records a lockout once).
    public var lockedNow: Bool

    public init(failedLogins: Int, lockedUntil: Date?, lockedNow: Bool) {
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
        self.lockedNow = lockedNow
    }
}
