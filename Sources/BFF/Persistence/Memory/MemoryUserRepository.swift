public import Foundation
import NIOConcurrencyHelpers

/// Accounts in process memory (embedded default and tests); same rules as the PostgreSQL repository.
public final class MemoryUserRepository: UserRepository {
    private let state = NIOLockedValueBox<[UUID: UserRecord]>([:])
    /// The last accepted TOTP step per user (not part of ``UserRecord``: it never leaves the store).
    private let totpSteps = NIOLockedValueBox<[UUID: Int64]>([:])

    public init() {}

    public func create(_ user: UserRecord) async throws {
        var user = user
        user.email = UserRecord.normalise(email: user.email)
        try state.withLockedValue { users in
            guard users[user.id] == nil, !users.values.contains(where: { $0.email == user.email }) else {
                throw StoreError(.conflict, "an account with this email already exists")
            }
            try Self.checkLinksUnique(user.links, of: user.id, among: users)
            users[user.id] = user
        }
    }

    public func user(id: UUID) async throws -> UserRecord? {
        state.withLockedValue { $0[id] }
    }

    public func user(email: String) async throws -> UserRecord? {
        let email = UserRecord.normalise(email: email)
        return state.withLockedValue { users in users.values.first { $0.email == email } }
    }

    public func recordLoginFailure(id: UUID, now: Date, policy: LockoutPolicy) async throws -> LoginFailureOutcome {
        try state.withLockedValue { users in
            guard var user = users[id] else { throw StoreError(.notFound, "no such user") }
            if let until = user.lockedUntil, until > now {
                return LoginFailureOutcome(failedLogins: user.failedLogins, lockedUntil: until, lockedNow: false)
            }
            user.failedLogins += 1
            var lockedNow = false
            if user.failedLogins >= policy.maxFailures {
                user.lockedUntil = now.addingTimeInterval(policy.lockDuration.timeInterval)
                user.failedLogins = 0
                lockedNow = true
            }
            users[id] = user
            return LoginFailureOutcome(failedLogins: user.failedLogins, lockedUntil: lockedNow ? user.lockedUntil : nil, lockedNow: lockedNow)
        }
    }

    public func recordLoginSuccess(id: UUID) async throws {
        try update(id) {
            $0.failedLogins = 0
            $0.lockedUntil = nil
        }
    }

    public func updatePassword(id: UUID, passwordHash: String, now: Date) async throws {
        try update(id) {
            $0.passwordHash = passwordHash
            $0.passwordChangedAt = now
        }
    }

    public func setMFA(id: UUID, secret: String?, enabled: Bool) async throws {
        try update(id) {
            $0.mfaSecret = secret
            $0.mfaEnabled = secret != nil && enabled
        }
    }

    public func updateLinks(id: UUID, links: AccountLinks) async throws {
        try state.withLockedValue { users in
            guard users[id] != nil else { throw StoreError(.notFound, "no such user") }
            try Self.checkLinksUnique(links, of: id, among: users)
            users[id]?.links = links
        }
    }

    /// One external account belongs to one user (as the PostgreSQL unique indexes enforce): a second user linked
    /// to the same billing customer would see the first one's invoices.
    private static func checkLinksUnique(_ links: AccountLinks, of id: UUID, among users: [UUID: UserRecord]) throws {
        for other in users.values where other.id != id {
            let sameBilling =
                links.billingProvider != nil && links.billingCustomerID != nil
                && other.links.billingProvider == links.billingProvider && other.links.billingCustomerID == links.billingCustomerID
            let sameCRM = links.crmAccountID != nil && other.links.crmAccountID == links.crmAccountID
            let sameSIM = links.simAccountID != nil && other.links.simAccountID == links.simAccountID
            if sameBilling || sameCRM || sameSIM {
                throw StoreError(.conflict, "an external account is already linked to another user")
            }
        }
    }

    public func claimTOTPStep(id: UUID, step: Int64) async throws -> Bool {
        guard state.withLockedValue({ $0[id] != nil }) else { return false }
        return totpSteps.withLockedValue { steps in
            if let last = steps[id], last >= step { return false }
            steps[id] = step
            return true
        }
    }

    public func users(tenant: String?, offset: Int, limit: Int) async throws -> [UserRecord] {
        let all = state.withLockedValue { Array($0.values) }
        let ordered = all.filter { tenant == nil || $0.tenant == tenant }.sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
        return Array(ordered.dropFirst(max(0, offset)).prefix(max(0, limit)))
    }

    private func update(_ id: UUID, _ change: (inout UserRecord) -> Void) throws {
        try state.withLockedValue { users in
            guard var user = users[id] else { throw StoreError(.notFound, "no such user") }
            change(&user)
            users[id] = user
        }
    }

    public func user(linkedTo system: AccountLinkSystem, externalID: String) async throws -> UserRecord? {
        state.withLockedValue { users in
            users.values.first { user in
                switch system {
                case .billing(let provider): user.links.billingProvider == provider && user.links.billingCustomerID == externalID
                case .crm: user.links.crmAccountID == externalID
                case .sim: user.links.simAccountID == externalID
                }
            }
        }
    }
}

extension Duration {
    /// Seconds as a `TimeInterval`, for `Date` arithmetic.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
