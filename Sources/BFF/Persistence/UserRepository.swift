public import Foundation

/// The accounts Atrium owns. Memory and PostgreSQL implementations pass one conformance suite
/// (`TestSupport/StoreConformance`).
public protocol UserRepository: Sendable {
    /// Adds an account.
    ///
    /// - Throws: ``StoreError/conflict`` when the (normalised) email is taken.
    func create(_ user: UserRecord) async throws
    func user(id: UUID) async throws -> UserRecord?
    /// Looks up by email, normalising it first.
    func user(email: String) async throws -> UserRecord?
    /// Counts one failed login atomically (two concurrent failures count two) and locks the account for
    /// `policy.lockDuration` when the count reaches `policy.maxFailures`; the count restarts after a lock.
    func recordLoginFailure(id: UUID, now: Date, policy: LockoutPolicy) async throws -> LoginFailureOutcome
    /// Clears the failure count after a successful login.
    func recordLoginSuccess(id: UUID) async throws
    func updatePassword(id: UUID, passwordHash: String, now: Date) async throws
    /// Stores a (pending or enabled) TOTP secret; nil removes MFA.
    func setMFA(id: UUID, secret: String?, enabled: Bool) async throws
    func updateLinks(id: UUID, links: AccountLinks) async throws
    /// Records `step` (a TOTP time step, Unix seconds / 30) as the last one a code was accepted for, only if it is
    /// later than the last recorded, atomically.
    ///
    /// - Returns: false when a code of this step or a later one was already accepted (a replayed code) or the user
    ///   does not exist; the caller refuses the code then.
    func claimTOTPStep(id: UUID, step: Int64) async throws -> Bool
    /// Accounts in creation order, for admin listings and `atrium user` commands.
    func users(tenant: String?, offset: Int, limit: Int) async throws -> [UserRecord]
    /// The user whose account links hold `externalID` in `system` (a webhook names the upstream's customer id).
    func user(linkedTo system: AccountLinkSystem, externalID: String) async throws -> UserRecord?
}

/// Which of ``AccountLinks``' ids a lookup matches.
public enum AccountLinkSystem: Sendable, Hashable {
    /// `billingCustomerID` of a user whose `billingProvider` is this (`stripe`, `whmcs`).
    case billing(provider: String)
    /// `crmAccountID`.
    case crm
    /// `simAccountID`.
    case sim
}

/// A store failure a caller can act on. Anything else (connection lost, timeout) surfaces as the
/// underlying error and becomes a 503 at the HTTP edge.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable {
        private enum Base: Hashable { case conflict, notFound, unavailable }
        private let base: Base
        public static let conflict = Code(base: .conflict)
        public static let notFound = Code(base: .notFound)
        /// The backend did not answer in time or is down.
        public static let unavailable = Code(base: .unavailable)
    }

    public let code: Code
    /// Safe to log: never holds SQL parameters, emails or secrets.
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "StoreError(\(detail))" }
}
