import Crypto
import Foundation

/// An opaque refresh token: `<family id>.<secret>`, both base64url.
///
/// The secret is 32 random bytes; the family id (16 random bytes) lets the store find the family's keys from
/// the token alone, without an index from token to family. Clients treat the whole string as opaque. Only
/// ``hash`` (SHA-256, hex) is ever stored.
public struct RefreshToken: Sendable, Hashable, CustomStringConvertible {
    public let family: String
    /// The token as the client holds it. Never log it.
    public let value: String

    static let familyLength = 22  // 16 bytes in unpadded base64url
    static let secretLength = 43  // 32 bytes in unpadded base64url

    private init(family: String, value: String) {
        self.family = family
        self.value = value
    }

    /// A fresh random family id.
    public static func newFamilyID() -> String { SecretGenerator.random(bytes: 16) }

    /// A new token of `family`.
    public static func generate(family: String) -> RefreshToken {
        RefreshToken(family: family, value: "\(family).\(SecretGenerator.random(bytes: 32))")
    }

    /// Parses a token a client sent; nil unless it has exactly the shape Atrium issues.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isFamilyID(parts[0]), parts[1].utf8.count == Self.secretLength, Base64URL.decode(parts[1]) != nil
        else { return nil }
        self.init(family: String(parts[0]), value: text)
    }

    /// True for a string shaped like the ids ``newFamilyID()`` makes (so it is safe inside a Redis key).
    public static func isFamilyID(_ text: some StringProtocol) -> Bool {
        text.utf8.count == familyLength && Base64URL.decode(Substring(text)) != nil
    }

    /// Lower-case hex SHA-256 of the whole token: what the store keeps.
    public var hash: String {
        SHA256.hash(data: Array(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Never shows the secret part.
    public var description: String { "RefreshToken(family: \(family))" }
}
