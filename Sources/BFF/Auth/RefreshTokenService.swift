public import Foundation

/// What presenting a refresh token gave: the store's decision and, when it rotated, the successor token.
public struct RefreshExchange: Sendable, Hashable {
    public let outcome: RefreshRotation
    /// Set exactly when `outcome` is `.rotated`: the token the client must use next.
    public let successor: RefreshToken?
}

/// Issues, rotates and revokes refresh tokens over a ``RefreshTokenStore``; the store only ever sees hashes.
///
/// A family lives seven days from its login, absolutely: rotation hands out a new token but never moves the
/// family's expiry, so a stolen and kept-alive token dies on schedule too.
public struct RefreshTokenService: Sendable {
    /// Seven days.
    public static let lifetime: TimeInterval = 7 * 24 * 60 * 60
    public let store: any RefreshTokenStore

    public init(store: any RefreshTokenStore) {
        self.store = store
    }

    /// The store `services` call for: Redis when configured (shared by all processes), else memory.
    public static func store(for services: AppServices) -> any RefreshTokenStore {
        if let redis = services.redis { return RedisRefreshTokenStore(pool: redis) }
        return MemoryRefreshTokenStore()
    }

    /// Starts a new family (a login) for `userID`.
    ///
    /// - Returns: The family's first token and the family.
    /// - Throws: ``RefreshTokenError`` or a backend error.
    public func issue(userID: UUID, now: Date) async throws -> (token: RefreshToken, family: RefreshFamily) {
        // Whole seconds, so every backend stores and returns exactly the same instants.
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let family = RefreshFamily(id: RefreshToken.newFamilyID(), userID: userID, issuedAt: issuedAt, expiresAt: issuedAt + Self.lifetime)
        let token = RefreshToken.generate(family: family.id)
        try await store.create(family, tokenHash: token.hash, now: now)
        return (token, family)
    }

    /// Exchanges a presented token for its successor (see ``RefreshRotation`` for every other outcome).
    ///
    /// A string that is not shaped like an Atrium refresh token is `.unknown` without a store round trip.
    public func rotate(_ presented: String, now: Date) async throws -> RefreshExchange {
        guard let token = RefreshToken(parsing: presented) else { return RefreshExchange(outcome: .unknown, successor: nil) }
        let successor = RefreshToken.generate(family: token.family)
        let outcome = try await store.rotate(family: token.family, presentedHash: token.hash, successorHash: successor.hash, now: now)
        if case .rotated = outcome { return RefreshExchange(outcome: outcome, successor: successor) }
        return RefreshExchange(outcome: outcome, successor: nil)
    }

    /// Revokes the family of a presented token (logout with a refresh token).
    ///
    /// - Returns: The family when this call revoked it.
    public func revoke(token presented: String, reason: String, now: Date) async throws -> RefreshFamily? {
        guard let token = RefreshToken(parsing: presented) else { return nil }
        return try await store.revoke(family: token.family, presentedHash: token.hash, reason: reason, now: now)
    }

    /// Revokes a family by id (logout with an access token, whose `fam` claim names it).
    public func revoke(family: String, reason: String, now: Date) async throws -> RefreshFamily? {
        guard RefreshToken.isFamilyID(family) else { return nil }
        return try await store.revoke(family: family, presentedHash: nil, reason: reason, now: now)
    }

    /// Revokes every family of a user (password change).
    ///
    /// - Returns: How many active families were revoked.
    @discardableResult
    public func revokeAll(userID: UUID, reason: String, now: Date) async throws -> Int {
        try await store.revokeAll(userID: userID, reason: reason, now: now)
    }
}
