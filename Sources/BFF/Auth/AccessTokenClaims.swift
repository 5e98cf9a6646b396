import Foundation
import JWTKit

/// The claims of an Atrium access token.
///
/// Everything a request may trust about its caller is here: user id (`sub`), tenant, kind and roles. The
/// audience is the kind's (`atrium-portal` or `atrium-admin`), so a token of one kind never opens the other's
/// routes. `fam` names the refresh-token family the token was issued with, so logout can revoke it.
struct AccessTokenClaims: JWTPayload, Equatable {
    var sub: SubjectClaim
    var tenant: String
    var kind: UserKind
    var roles: [Role]
    var fam: String?
    var iss: IssuerClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim
    var iat: IssuedAtClaim
    var jti: IDClaim

    /// JWTKit calls this after the signature check; it has no access to Atrium's clock or to the audience the
    /// caller expects, so ``TokenService`` checks every claim itself right after (with the app clock and at
    /// most 60 s of leeway) and nothing is trusted before that.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
