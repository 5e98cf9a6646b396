import Crypto
public import Foundation
import JWTKit

/// Issues and verifies Atrium's access tokens: HS256 JWTs of 15 minutes.
///
/// Verification does not trust JWTKit to pick the algorithm or the key from the token: the header is parsed
/// first and anything but `alg` HS256 with Atrium's `kid` is refused before a signature is checked (JWTKit would
/// fall back to its default key for an unknown `kid`). The signature is then checked by JWTKit, and every claim
/// here against ``AppClock``: `exp`, `nbf` and `iat` with at most ``leeway`` of clock skew, `iss`, and `aud`
/// against the kinds the caller accepts.
///
/// The HMAC key is the configured secret's bytes; configuration guarantees at least 32 of them (JWTKit asserts
/// on shorter HS256 keys in debug builds).
public struct TokenService: Sendable {
    public static let issuer = "atrium"
    public static let algorithm = "HS256"
    public static let lifetime: TimeInterval = 15 * 60
    /// The most clock skew tolerated on `exp`, `nbf` and `iat`.
    public static let leeway: TimeInterval = 60

    /// The `kid` of every token this service signs.
    public let keyID: String
    let clock: AppClock
    // JWTKeyCollection is an actor whose `add` must be awaited; the task runs once and is awaited on each use.
    private let keys: Task<JWTKeyCollection, Never>

    /// - Parameters:
    ///   - secret: The HS256 key (at least 32 bytes).
    ///   - clock: The clock `iat`/`exp` are set from and checked against.
    ///   - keyID: The `kid`; by default derived from a hash of the secret, so every process with the same secret
    ///     agrees on it and a rotated secret gets a new one.
    public init(secret: Secret, clock: AppClock, keyID: String? = nil) {
        let kid = keyID ?? Self.deriveKeyID(secret)
        self.keyID = kid
        self.clock = clock
        let key = HMACKey(from: Array(secret.value.utf8))
        self.keys = Task {
            await JWTKeyCollection().add(hmac: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        }
    }

    /// `atrium-` and 16 hex digits of SHA-256 over a labelled secret: stable, and reveals nothing usable.
    static func deriveKeyID(_ secret: Secret) -> String {
        let digest = SHA256.hash(data: Array("atrium-jwt-kid-v1:\(secret.value)".utf8))
        return "atrium-" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Signs an access token for `identity`, valid from now for ``lifetime``.
    ///
    /// - Throws: When JWTKit cannot encode or sign (not expected with valid input).
    public func issue(for identity: AuthenticatedUser) async throws -> AccessToken {
        let now = Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down))
        let expiresAt = now.addingTimeInterval(Self.lifetime)
        let claims = AccessTokenClaims(
            sub: SubjectClaim(value: identity.userID.uuidString.lowercased()),
            tenant: identity.tenant,
            kind: identity.kind,
            roles: identity.roles.sorted { $0.rawValue < $1.rawValue },
            fam: identity.family,
            iss: IssuerClaim(value: Self.issuer),
            aud: AudienceClaim(value: [identity.kind.audience]),
            exp: ExpirationClaim(value: expiresAt),
            nbf: NotBeforeClaim(value: now),
            iat: IssuedAtClaim(value: now),
            jti: IDClaim(value: UUID().uuidString.lowercased())
        )
        var header = JWTHeader()
        header.alg = Self.algorithm
        header.typ = "JWT"
        let token = try await keys.value.sign(claims, kid: JWKIdentifier(string: keyID), header: header)
        return AccessToken(token: token, expiresAt: expiresAt, expiresIn: Int(Self.lifetime))
    }

    /// Verifies an access token and returns who it proves the caller is.
    ///
    /// - Parameters:
    ///   - token: The compact JWT from the `Authorization` header.
    ///   - kinds: The kinds whose audience the caller accepts (portal routes: customer; admin routes: staff).
    /// - Returns: The identity, with the kind the token's audience names.
    /// - Throws: ``TokenRejection`` naming the first check that failed.
    public func verify(_ token: String, accepting kinds: Set<UserKind>) async throws(TokenRejection) -> AuthenticatedUser {
        try JOSEHeader.pinned(token, keyID: keyID)
        let claims: AccessTokenClaims
        do {
            claims = try await keys.value.verify(token, as: AccessTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw TokenRejection(.signature, "signature does not verify")
        } catch {
            throw TokenRejection(.malformed, "payload is not a valid claim set")
        }
        return try check(claims, accepting: kinds, now: clock.now())
    }

    /// The claim checks after the signature: time with leeway, issuer, audience against kind, roles against kind.
    func check(_ claims: AccessTokenClaims, accepting kinds: Set<UserKind>, now: Date) throws(TokenRejection) -> AuthenticatedUser {
        if now >= claims.exp.value.addingTimeInterval(Self.leeway) {
            throw TokenRejection(.expired, "expired \(Int(now.timeIntervalSince(claims.exp.value))) s ago")
        }
        if claims.nbf.value > now.addingTimeInterval(Self.leeway) {
            throw TokenRejection(.notYetValid, "not valid for another \(Int(claims.nbf.value.timeIntervalSince(now))) s")
        }
        if claims.iat.value > now.addingTimeInterval(Self.leeway) {
            throw TokenRejection(.issuedInFuture, "issued \(Int(claims.iat.value.timeIntervalSince(now))) s in the future")
        }
        guard claims.iss.value == Self.issuer else { throw TokenRejection(.issuer, "issuer is not \(Self.issuer)") }
        // Exactly one audience, the one of the token's own kind, and a kind this caller accepts.
        guard claims.aud.value == [claims.kind.audience], kinds.contains(claims.kind) else {
            throw TokenRejection(.audience, "audience does not match an accepted kind (\(kinds.map(\.rawValue).sorted()))")
        }
        guard let userID = UUID(uuidString: claims.sub.value), !claims.tenant.isEmpty, !claims.jti.value.isEmpty else {
            throw TokenRejection(.claims, "sub, tenant or jti missing or malformed")
        }
        let roles = Set(claims.roles)
        let rolesFit =
            switch claims.kind {
            case .customer: roles == [.customer]
            case .staff: !roles.isEmpty && roles.allSatisfy(\.isStaff)
            }
        guard rolesFit else { throw TokenRejection(.claims, "roles do not fit kind \(claims.kind.rawValue)") }
        return AuthenticatedUser(userID: userID, tenant: claims.tenant, kind: claims.kind, roles: roles, family: claims.fam)
    }
}
