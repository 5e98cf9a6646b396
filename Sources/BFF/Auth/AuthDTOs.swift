import Foundation
import Hummingbird

// The wire shapes of /api/v1/auth. Field names are snake_case on the wire; the OpenAPI contract is written from
// this file, so every type and field is documented with what a client needs to know.

/// `POST /api/v1/auth/register` body: creates a customer account in tenant `default`.
struct AuthRegisterRequest: Decodable, Sendable {
    /// The login name; trimmed and lower-cased. At most 254 characters, one `@`, no spaces.
    var email: String
    /// 8 to 256 characters (user-perceived characters), not a well-known password. No composition rules.
    var password: String
    /// Optional display name, at most 100 characters.
    var name: String?
}

/// `POST /api/v1/auth/login` body.
struct AuthLoginRequest: Decodable, Sendable {
    var email: String
    var password: String
    /// The current 6-digit TOTP code; required once MFA is enabled on the account.
    var otp: String?
}

/// The answer of `login` and `refresh` (200). Browsers also receive the refresh token as the `atrium_refresh`
/// cookie (`HttpOnly; Secure; SameSite=Strict; Path=/api/v1/auth`) and the CSRF token as the readable
/// `atrium_csrf` cookie (`Secure; SameSite=Strict; Path=/`).
struct AuthTokenResponse: Encodable, Sendable {
    /// A JWT to send as `Authorization: Bearer <token>`; 15 minutes. Audience `atrium-portal` for customers,
    /// `atrium-admin` for staff.
    var accessToken: String
    /// Always `Bearer`.
    var tokenType: String = "Bearer"
    /// Seconds until the access token expires (900).
    var expiresIn: Int
    /// An opaque token for `POST /auth/refresh`; single use (each refresh returns the next one), valid at most
    /// 7 days after the login whatever the refreshes. Presenting a used one again revokes the whole session.
    var refreshToken: String
    /// The value to echo in the `X-CSRF-Token` header when refreshing or logging out with the cookie.
    var csrfToken: String

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case csrfToken = "csrf_token"
    }
}

/// `POST /api/v1/auth/refresh` body. Omit `refresh_token` (or send no body) to use the `atrium_refresh` cookie;
/// the request must then carry `X-CSRF-Token` equal to the `atrium_csrf` cookie.
struct AuthRefreshRequest: Decodable, Sendable {
    var refreshToken: String?

    enum CodingKeys: String, CodingKey {
        case refreshToken = "refresh_token"
    }
}

/// `POST /api/v1/auth/logout` body: the same rules as refresh. A valid `Authorization` header alone also
/// identifies the session to end. Answers 204 and clears the cookies.
struct AuthLogoutRequest: Decodable, Sendable {
    var refreshToken: String?

    enum CodingKeys: String, CodingKey {
        case refreshToken = "refresh_token"
    }
}

/// `POST /api/v1/auth/password` body (authenticated). On success (204) every session of the account ends,
/// this one included: log in again with the new password.
struct AuthPasswordChangeRequest: Decodable, Sendable {
    var currentPassword: String
    /// The same rules as at registration.
    var newPassword: String

    enum CodingKeys: String, CodingKey {
        case currentPassword = "current_password"
        case newPassword = "new_password"
    }
}

/// `POST /api/v1/auth/mfa/enroll` answer (authenticated): a new TOTP secret, pending until verified.
struct AuthMFAEnrollResponse: Encodable, Sendable {
    /// The shared secret, base32 (what authenticator apps accept for manual entry).
    var secret: String
    /// `otpauth://totp/...` for a QR code: SHA-1, 6 digits, 30-second steps, issuer `Atrium`.
    var otpauthURI: String

    enum CodingKeys: String, CodingKey {
        case secret
        case otpauthURI = "otpauth_uri"
    }
}

/// `POST /api/v1/auth/mfa/verify` body (authenticated): a current code from the enrolled secret.
struct AuthMFAVerifyRequest: Decodable, Sendable {
    /// 6 digits.
    var code: String
}

/// `POST /api/v1/auth/mfa/verify` answer: MFA is now required at every login.
struct AuthMFAStatusResponse: Encodable, Sendable {
    var mfaEnabled: Bool

    enum CodingKeys: String, CodingKey {
        case mfaEnabled = "mfa_enabled"
    }
}

/// The account `register` created (201).
struct AuthUserProfile: Encodable, Sendable {
    /// The user id (UUID, lower case).
    var id: String
    var email: String
    var name: String?
    /// `customer` or `staff`.
    var kind: String
    /// `customer`, or staff roles (`admin`, `finance`, `sales`, `ops`, `security`, `product`).
    var roles: [String]
    var tenant: String
    var mfaEnabled: Bool
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, email, name, kind, roles, tenant
        case mfaEnabled = "mfa_enabled"
        case createdAt = "created_at"
    }

    init(_ user: UserRecord) {
        self.id = user.id.uuidString.lowercased()
        self.email = user.email
        self.name = user.displayName
        self.kind = user.kind.rawValue
        self.roles = user.roles.map(\.rawValue).sorted()
        self.tenant = user.tenant
        self.mfaEnabled = user.mfaEnabled
        self.createdAt = user.createdAt
    }
}

extension AuthTokenResponse: ResponseEncodable {}
extension AuthMFAEnrollResponse: ResponseEncodable {}
extension AuthMFAStatusResponse: ResponseEncodable {}
extension AuthUserProfile: ResponseEncodable {}
