@testable import BFF
import Crypto
import Foundation
import Testing

/// Access tokens: what is issued, and every way a token must be refused (alg, kid, signature, time, iss, aud).
@Suite("Auth: access tokens")
struct AuthTokenServiceTests {
    let clock = AuthTestClock()
    var service: TokenService { TokenService(secret: AuthHarness.jwtSecret, clock: clock.appClock) }
    static let customer = AuthenticatedUser(userID: UUID(), tenant: "default", kind: .customer, roles: [.customer], family: "fam-1")
    static let staff = AuthenticatedUser(userID: UUID(), tenant: "default", kind: .staff, roles: [.admin, .ops], family: "fam-2")

    /// A compact JWT with exactly these header and claims, MAC'd with `key` (HS256 unless `sha512`).
    func craft(header: [String: Any], claims: [String: Any], key: String = AuthHarness.jwtSecret.value, sha512: Bool = false) throws -> String {
        let signingInput = try "\(Base64URL.encode(JSONSerialization.data(withJSONObject: header))).\(Base64URL.encode(JSONSerialization.data(withJSONObject: claims)))"
        let symmetric = SymmetricKey(data: Array(key.utf8))
        let mac: [UInt8] =
            sha512
            ? Array(HMAC<SHA512>.authenticationCode(for: Array(signingInput.utf8), using: symmetric))
            : Array(HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: symmetric))
        return "\(signingInput).\(Base64URL.encode(mac))"
    }

    var header: [String: Any] { ["alg": "HS256", "typ": "JWT", "kid": service.keyID] }

    func claims(kind: UserKind = .customer, roles: [String] = ["customer"], change: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        let now = clock.current.timeIntervalSince1970
        var claims: [String: Any] = [
            "sub": UUID().uuidString.lowercased(), "tenant": "default", "kind": kind.rawValue, "roles": roles, "fam": "f",
            "iss": "atrium", "aud": kind.audience, "exp": now + 900, "nbf": now, "iat": now, "jti": UUID().uuidString,
        ]
        change(&claims)
        return claims
    }

    func rejection(_ token: String, accepting kinds: Set<UserKind> = [.customer, .staff]) async -> TokenRejection.Code? {
        do {
            _ = try await service.verify(token, accepting: kinds)
            return nil
        } catch {
            return error.code
        }
    }

    // MARK: - Issue

    @Test func issuedTokenCarriesPinnedHeaderAndClaims() async throws {
        let token = try await service.issue(for: Self.customer)
        #expect(token.expiresIn == 900)
        let parts = token.token.split(separator: ".")
        let header = try JSONSerialization.jsonObject(with: #require(Base64URL.decode(parts[0]))) as? [String: Any]
        #expect(header?["alg"] as? String == "HS256")
        #expect(header?["kid"] as? String == service.keyID)
        let claims = try JSONSerialization.jsonObject(with: #require(Base64URL.decode(parts[1]))) as? [String: Any]
        #expect(claims?["iss"] as? String == "atrium")
        #expect(claims?["aud"] as? String == "atrium-portal")
        #expect(claims?["sub"] as? String == Self.customer.userID.uuidString.lowercased())
        #expect(claims?["fam"] as? String == "fam-1")
        #expect((claims?["exp"] as? Double).map { $0 - clock.current.timeIntervalSince1970 } == 900)
        #expect((claims?["jti"] as? String)?.isEmpty == false)
        let identity = try await service.verify(token.token, accepting: [.customer])
        #expect(identity == Self.customer)
    }

    @Test func keyIDIsDerivedFromTheSecretOrConfigured() {
        let other = TokenService(secret: Secret("another-secret-that-is-also-32-bytes-or-more"), clock: clock.appClock)
        #expect(other.keyID != service.keyID)
        #expect(service.keyID == TokenService(secret: AuthHarness.jwtSecret, clock: .system).keyID)
        #expect(TokenService(secret: AuthHarness.jwtSecret, clock: .system, keyID: "k1").keyID == "k1")
    }

    // MARK: - Audience

    @Test func audiencesAreNeverInterchangeable() async throws {
        let staffToken = try await service.issue(for: Self.staff).token
        let customerToken = try await service.issue(for: Self.customer).token
        #expect(await rejection(staffToken, accepting: [.customer]) == .audience)
        #expect(await rejection(customerToken, accepting: [.staff]) == .audience)
        #expect(try await service.verify(staffToken, accepting: [.staff]) == Self.staff)
        // A staff kind under the portal audience (or the reverse) is refused even when correctly signed.
        #expect(await rejection(try craft(header: header, claims: claims(kind: .staff, roles: ["admin"]) { $0["aud"] = "atrium-portal" })) == .audience)
        #expect(await rejection(try craft(header: header, claims: claims { $0["aud"] = ["atrium-portal", "atrium-admin"] })) == .audience)
        #expect(await rejection(try craft(header: header, claims: claims(roles: ["admin"]))) == .claims)
    }

    // MARK: - Algorithm and key

    @Test func algNoneIsRefused() async throws {
        let unsigned = try craft(header: ["alg": "none", "kid": service.keyID], claims: claims())
        let stripped = unsigned.split(separator: ".").prefix(2).joined(separator: ".") + "."
        #expect(await rejection(stripped) == .algorithm)
        #expect(await rejection(try craft(header: ["alg": "None", "kid": service.keyID], claims: claims())) == .algorithm)
    }

    @Test func otherAlgorithmsAreRefusedBeforeVerification() async throws {
        // HS512 with Atrium's own secret: a valid MAC, but not the pinned algorithm.
        #expect(await rejection(try craft(header: ["alg": "HS512", "kid": service.keyID], claims: claims(), sha512: true)) == .algorithm)
        // An RS256 header (the public-key confusion): refused whatever the signature.
        #expect(await rejection(try craft(header: ["alg": "RS256", "kid": service.keyID], claims: claims())) == .algorithm)
        #expect(await rejection(try craft(header: ["kid": service.keyID], claims: claims())) == .algorithm)
    }

    @Test func unknownOrMissingKeyIDIsRefused() async throws {
        #expect(await rejection(try craft(header: ["alg": "HS256", "kid": "atrium-0000000000000000"], claims: claims())) == .unknownKey)
        #expect(await rejection(try craft(header: ["alg": "HS256"], claims: claims())) == .unknownKey)
    }

    @Test func badSignaturesAreRefused() async throws {
        let token = try await service.issue(for: Self.customer).token
        var parts = token.split(separator: ".").map(String.init)
        var signature = Array(parts[2])
        signature[10] = signature[10] == "A" ? "B" : "A"
        parts[2] = String(signature)
        #expect(await rejection(parts.joined(separator: ".")) == .signature)
        // Right kid, wrong key.
        #expect(await rejection(try craft(header: header, claims: claims(), key: "some-other-secret-of-at-least-32-bytes!!")) == .signature)
        // A payload swapped under a valid signature.
        let staffPayload = try craft(header: header, claims: claims(kind: .staff, roles: ["admin"])).split(separator: ".")[1]
        #expect(await rejection("\(parts[0]).\(staffPayload).\(token.split(separator: ".")[2])") == .signature)
        #expect(await rejection("not-a-jwt") == .malformed)
    }

    // MARK: - Time and issuer

    @Test func expiryHasAtMostSixtySecondsOfLeeway() async throws {
        let token = try await service.issue(for: Self.customer).token
        clock.advance(900 + 59)
        #expect(await rejection(token) == nil)
        clock.advance(1)
        #expect(await rejection(token) == .expired)
    }

    @Test func notBeforeAndIssuedAtInTheFutureAreRefused() async throws {
        let now = clock.current.timeIntervalSince1970
        #expect(await rejection(try craft(header: header, claims: claims { $0["nbf"] = now + 120 })) == .notYetValid)
        #expect(await rejection(try craft(header: header, claims: claims { $0["nbf"] = now + 30 })) == nil)
        #expect(await rejection(try craft(header: header, claims: claims { $0["iat"] = now + 120 })) == .issuedInFuture)
    }

    @Test func issuerMustBeAtrium() async throws {
        #expect(await rejection(try craft(header: header, claims: claims { $0["iss"] = "someone-else" })) == .issuer)
        #expect(await rejection(try craft(header: header, claims: claims { $0["iss"] = nil })) == .malformed)
    }
}
