/// Why an access token was refused. Clients only ever see a vague 401; the code and detail go to the debug log.
public struct TokenRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Hashable {
            case malformed, algorithm, unknownKey, signature, expired, notYetValid, issuedInFuture, issuer, audience, claims
        }
        private let base: Base

        /// Not three base64url parts of JSON, or a header field Atrium does not support.
        public static let malformed = Code(base: .malformed)
        /// `alg` is not the pinned HS256 (this includes `none`).
        public static let algorithm = Code(base: .algorithm)
        /// `kid` is missing or names no key Atrium signs with.
        public static let unknownKey = Code(base: .unknownKey)
        public static let signature = Code(base: .signature)
        /// `exp` passed more than the leeway ago.
        public static let expired = Code(base: .expired)
        /// `nbf` is more than the leeway in the future.
        public static let notYetValid = Code(base: .notYetValid)
        /// `iat` is more than the leeway in the future.
        public static let issuedInFuture = Code(base: .issuedInFuture)
        public static let issuer = Code(base: .issuer)
        /// `aud` is not the audience of an accepted kind (a staff token on a portal route, or the reverse).
        public static let audience = Code(base: .audience)
        /// A claim is missing, ill-typed or inconsistent (kind against roles, `sub` not a user id).
        public static let claims = Code(base: .claims)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// Safe to log: names the failed check, never the token or a claim value beyond algorithm and key id.
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "TokenRejection(\(code): \(detail))" }
}
