public import Foundation

/// A login session: every refresh token rotated from one login shares its family and its absolute expiry.
public struct RefreshFamily: Sendable, Hashable {
    public let id: String
    public let userID: UUID
    public let issuedAt: Date
    /// Seven days after the login; rotation never moves it.
    public let expiresAt: Date

    public init(id: String, userID: UUID, issuedAt: Date, expiresAt: Date) {
        self.id = id
        self.userID = userID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

/// What presenting a refresh token did, decided atomically by the store.
public enum RefreshRotation: Sendable, Hashable {
    /// The token was the family's current one; it is now spent and the successor is current.
    case rotated(RefreshFamily)
    /// The token was already spent: someone replays it (or lost a race for it). The whole family is now revoked.
    case reused(RefreshFamily)
    /// The token belongs to a family that was revoked earlier (logout, password change, earlier reuse).
    case revoked(RefreshFamily)
    /// The family's seven days are over.
    case expired
    /// No family knows this token (never issued, forged, or long gone).
    case unknown
}
