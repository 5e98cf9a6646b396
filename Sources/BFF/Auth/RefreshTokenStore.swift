public import Foundation

/// Where refresh-token families live: Redis when `REDIS_URL` is set (shared by every process), else memory.
///
/// The store sees token hashes only. Every state change is one atomic step (one Lua script in Redis, one lock
/// in memory), so two concurrent refreshes with the same token can never both rotate it: exactly one gets
/// `.rotated`, every other one finds the token spent and gets `.reused`, which revokes the family. There is
/// deliberately no grace window: a client must not refresh twice in parallel (frontends single-flight their
/// refresh). Both implementations pass `TestSupport/RefreshTokenConformance`.
public protocol RefreshTokenStore: Sendable {
    /// Creates a family whose current token is `tokenHash`.
    ///
    /// - Throws: ``RefreshTokenError/familyRefused`` when the family id exists or was revoked while being created.
    func create(_ family: RefreshFamily, tokenHash: String, now: Date) async throws

    /// Presents `presentedHash` for the family: if it is the current token, `successorHash` becomes current.
    func rotate(family: String, presentedHash: String, successorHash: String, now: Date) async throws -> RefreshRotation

    /// Revokes an active family. With `presentedHash`, only if that hash is one of the family's tokens (current
    /// or spent); without, unconditionally (the caller proved the family another way, e.g. an access token).
    ///
    /// - Returns: The family when this call revoked it; nil when it was unknown, expired or already revoked.
    func revoke(family: String, presentedHash: String?, reason: String, now: Date) async throws -> RefreshFamily?

    /// Revokes every family of a user (password change, account lock by staff).
    ///
    /// - Returns: How many active families this call revoked.
    func revokeAll(userID: UUID, reason: String, now: Date) async throws -> Int
}
