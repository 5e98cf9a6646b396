import HTTPTypes

// The problem kinds only the auth routes answer (validation and conflict are the shared kinds of Problem.swift).
extension Problem.Kind {
    /// The password was right but the account needs a TOTP code in `otp` (401).
    static let mfaRequired = Problem.Kind("mfa-required", title: "MFA Code Required")
    /// A cookie-authenticated request without a matching `X-CSRF-Token` header (403).
    static let csrf = Problem.Kind("csrf", title: "CSRF Token Missing or Invalid")
}

extension Problem {
    /// A 400 validation problem naming the rule that failed.
    static func authInvalid(_ detail: String) -> Problem {
        Problem(.validation, status: .badRequest, detail: detail)
    }

    /// The one answer to a failed login, whatever failed (unknown email, wrong password, locked account,
    /// wrong code): the same status and body, so the answer reveals nothing about the account.
    static let invalidCredentials = Problem(
        .unauthorized,
        status: .unauthorized,
        detail: "The email or password is incorrect, or the account is temporarily locked."
    )

    /// The one answer to a refresh or logout whose refresh token is unknown, spent, revoked or expired.
    static let invalidRefreshToken = Problem(
        .unauthorized,
        status: .unauthorized,
        detail: "The refresh token is invalid or expired; log in again."
    )

    /// A route that needs a signed-in user was called without a valid access token.
    static let authenticationRequired = Problem(
        .unauthorized,
        status: .unauthorized,
        detail: "A valid access token is required.",
        headers: [.wwwAuthenticate: "Bearer"]
    )
}
