public import Foundation

/// A signed access token and how long it lives.
public struct AccessToken: Sendable, Hashable {
    /// The compact JWT.
    public let token: String
    public let expiresAt: Date
    /// Seconds from issue to expiry (the `expires_in` of the token response).
    public let expiresIn: Int
}
