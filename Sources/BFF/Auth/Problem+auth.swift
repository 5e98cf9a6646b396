import HTTPTypes

// The problem kinds of the auth routes. Their Swift names carry an auth prefix where another area may define
// the same `type` (validation, conflict), so two helpers' extensions never clash.
extension Problem.Kind {
    /// A request that breaks a rule (400, like every `validation` problem); the detail names the rule.
    static let authValidation = Problem.Kind("validation", title: "Validation Failed")
    /// The request conflicts with the account's state (409): email taken, MFA already enabled.
    static let authConflict = Problem.Kind("conflict", title: "Conflict")
    /// The password was right but the account needs a TOTP code in `otp` (401).
    static let mfaRequired = Problem.Kind("mfa-required", title: "MFA Code Required")
    /// A cookie-authenticated request without a matching `X-CSRF-Token` header (403).
    static let csrf = Problem.Kind("csrf", title: "CSRF Token Missing or Invalid")
}

extension Problem {
    /// A 400 validation problem naming the rule that failed.
    static func authInvalid(_ detail: String) -> Problem {
        Problem(.authValidation, status: .badRequest, detail: detail)
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
