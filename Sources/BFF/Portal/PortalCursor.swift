import Crypto
import Foundation

/// Where the next page of a list starts, as the client carries it: opaque, signed, and bound to one list of one
/// user, so a cursor cannot be forged, altered, or replayed against another list or by another customer
/// (an upstream cursor such as a Salesforce query locator would otherwise reveal the query of its owner).
///
/// Wire form: `<base64url(JSON payload)>.<base64url(HMAC-SHA256(key, "v1|<list>|<user>|<payload>"))>`.
/// Anything that does not verify is a 400 `validation` problem, never a 500.
struct PortalCursor: Sendable, Hashable, Codable {
    /// The upstream's own cursor (Stripe's last id, a Salesforce locator), for lists the upstream pages.
    var upstream: String?
    /// The index of the next item, for lists paged in memory.
    var offset: Int?

    enum CodingKeys: String, CodingKey {
        case upstream = "u"
        case offset = "o"
    }
}

/// Signs and verifies ``PortalCursor``s with a key derived from the server's secret.
struct PortalCursorCodec: Sendable {
    /// Longer cursors are refused before any decoding.
    static let maximumLength = 2048
    private let key: SymmetricKey

    /// - Parameter secret: the server's signing secret; the cursor key is derived from it, so it is never used
    ///   for two purposes.
    init(secret: Secret) {
        let derived = HMAC<SHA256>.authenticationCode(for: Data("atrium-portal-cursor-v1".utf8), using: SymmetricKey(data: Data(secret.value.utf8)))
        self.key = SymmetricKey(data: Data(derived))
    }

    /// The wire form of `cursor` for the list named `list` of `user`.
    func encode(_ cursor: PortalCursor, list: String, user: UUID) -> String {
        let payload = Base64URL.encode((try? JSONEncoder().encode(cursor)) ?? Data())
        let mac = HMAC<SHA256>.authenticationCode(for: signed(payload, list: list, user: user), using: key)
        return payload + "." + Base64URL.encode(Data(mac))
    }

    /// Verifies and decodes a client's cursor.
    ///
    /// - Throws: 400 `validation` (`cursor`) when it is too long, malformed, tampered with, or minted for another
    ///   list or user.
    func decode(_ text: String, list: String, user: UUID) throws -> PortalCursor {
        let invalid = PortalProblems.validation(field: "cursor", "not a cursor this list issued")
        guard text.utf8.count <= Self.maximumLength else { throw invalid }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let mac = Base64URL.decode(parts[1]), let json = Base64URL.decode(parts[0]) else { throw invalid }
        let payload = String(parts[0])
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed(payload, list: list, user: user), using: key) else {
            throw invalid
        }
        guard let cursor = try? JSONDecoder().decode(PortalCursor.self, from: json) else { throw invalid }
        if let offset = cursor.offset, offset < 0 { throw invalid }
        return cursor
    }

    private func signed(_ payload: String, list: String, user: UUID) -> Data {
        Data("v1|\(list)|\(user.uuidString.lowercased())|\(payload)".utf8)
    }
}
