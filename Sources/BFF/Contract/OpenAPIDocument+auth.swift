/// The auth routes under `/api/v1/auth` (Sources/BFF/Auth: AuthController and `AuthDTOs.swift`).
///
/// Component names are the DTOs' without the `Auth` prefix; members come from their `CodingKeys`.
extension OpenAPIDocument {
    static var authOperations: [APIOperation] {
        [
            APIOperation(
                "POST", "/api/v1/auth/register",
                id: "register", tag: "auth",
                summary: "Create a customer account",
                description: """
                    Creates a customer account in tenant `default` and answers 201 with it. No session is started: log in next. \
                    Passwords: 8 to 256 characters, no composition rules, not a well-known password (400 `validation` otherwise). A taken \
                    email is 409. Rate limited to 2 a second (burst 2) per client.
                    """,
                access: .anonymous,
                requestBody: APIRequestBody("RegisterRequest", "The new account's credentials."),
                responses: [.created("UserAccount", "The account as created."), .problem(.conflict), .problem(.badRequest)]
            ),
            APIOperation(
                "POST", "/api/v1/auth/login",
                id: "login", tag: "auth",
                summary: "Sign in",
                description: """
                    Exchanges email and password (and `otp` once MFA is on) for an access token and a refresh token. Browsers also \
                    get the refresh token as the `atrium_refresh` cookie and the CSRF token as `atrium_csrf`. Unknown email, wrong \
                    password, wrong code and a locked account (5 failures lock it for 30 minutes) all answer the same 401; \
                    `mfa-required` (401) asks for the code. Rate limited to 5 a second (burst 3) per client.
                    """,
                access: .anonymous,
                requestBody: APIRequestBody("LoginRequest", "The credentials."),
                responses: [.ok("TokenResponse", "Signed in.", headers: [.setCookie, .cacheControl]), .problem(.unauthorized), .problem(.badRequest)]
            ),
            APIOperation(
                "POST", "/api/v1/auth/refresh",
                id: "refreshSession", tag: "auth",
                summary: "Exchange a refresh token for new tokens",
                description: """
                    Rotates the refresh token: answers a new access token and a new refresh token; the one presented is spent. \
                    Send it as `refresh_token`, or send no body and let the browser send the `atrium_refresh` cookie together \
                    with `X-CSRF-Token`. Presenting a spent token again revokes the whole session. Every refusal is the same 401 \
                    and clears the cookies.
                    """,
                access: .refreshToken,
                parameters: [csrfHeader],
                requestBody: APIRequestBody("RefreshRequest", "The refresh token; leave the body out to use the cookie.", isRequired: false),
                responses: [.ok("TokenResponse", "The new tokens.", headers: [.setCookie, .cacheControl]), .problem(.forbidden)]
            ),
            APIOperation(
                "POST", "/api/v1/auth/logout",
                id: "logout", tag: "auth",
                summary: "End the session",
                description: """
                    Revokes the session named by the refresh token (body, or cookie with `X-CSRF-Token`) and/or by the access \
                    token, and clears the cookies. An already-ended session still answers 204; a request naming no session is 401.
                    """,
                access: .session,
                parameters: [csrfHeader],
                requestBody: APIRequestBody("LogoutRequest", "The refresh token; leave the body out to use the cookie or the access token.", isRequired: false),
                responses: [.noContent("The session has ended.", headers: [.setCookie]), .problem(.forbidden)]
            ),
            APIOperation(
                "POST", "/api/v1/auth/password",
                id: "changePassword", tag: "auth",
                summary: "Change the password",
                description: """
                    Checks the current password and sets the new one (the registration rules apply). Every session of the account \
                    ends, this one included: log in again. A wrong current password is 403 and counts as a failed login.
                    """,
                access: .user,
                requestBody: APIRequestBody("PasswordChangeRequest", "The current and the new password."),
                responses: [.noContent("Changed; every session has ended.", headers: [.setCookie]), .problem(.forbidden), .problem(.badRequest)]
            ),
            APIOperation(
                "POST", "/api/v1/auth/mfa/enroll",
                id: "enrollMfa", tag: "auth",
                summary: "Start TOTP enrolment",
                description: """
                    Creates a TOTP secret, pending until a code from it is verified (`/auth/mfa/verify`), and answers it with an \
                    `otpauth://` URI for a QR code. Enrolling again before verifying replaces the pending secret; once MFA is on, 409.
                    """,
                access: .user,
                responses: [.ok("MFAEnrollment", "The pending secret.", headers: [.cacheControl]), .problem(.conflict)]
            ),
            APIOperation(
                "POST", "/api/v1/auth/mfa/verify",
                id: "verifyMfa", tag: "auth",
                summary: "Turn MFA on with a code",
                description: "A current code from the pending secret turns MFA on; from then on login needs `otp`. A wrong code is 400 `validation`; no pending enrolment, or MFA already on, 409.",
                access: .user,
                requestBody: APIRequestBody("MFAVerifyRequest", "A current code."),
                responses: [.ok("MFAStatus", "MFA is on."), .problem(.conflict), .problem(.badRequest)]
            ),
        ]
    }

    /// `X-CSRF-Token`: required with the refresh cookie (double submit against the `atrium_csrf` cookie).
    static var csrfHeader: APIParameter {
        .header("X-CSRF-Token", description: "The `atrium_csrf` cookie's value (or `csrf_token` of the login answer); required when the refresh cookie authenticates the request.", schema: .string())
    }

    static var authSchemas: [String: JSONSchema] {
        [
            "RegisterRequest": .object(
                [
                    "email": .required(.string(format: "email", maxLength: 254), "The login name; trimmed and lower-cased."),
                    "password": .required(.string(minLength: 8, maxLength: 256), "8 to 256 characters, not a well-known password. No composition rules."),
                    "name": .optional(.string(maxLength: 100), "A display name."),
                ],
                closed: false
            ).describe("A new customer account."),
            "LoginRequest": .object(
                [
                    "email": .required(.string(format: "email")),
                    "password": .required(.string(maxLength: 256)),
                    "otp": .optional(JSONSchema(["type": "string", "pattern": "^[0-9]{6}$"]), "The current 6-digit TOTP code; required once MFA is on."),
                ],
                closed: false
            ).describe("Credentials."),
            "TokenResponse": .object(
                [
                    "access_token": .required(.string(), "A JWT for `Authorization: Bearer …`; 15 minutes. Audience `atrium-portal` for customers, `atrium-admin` for staff."),
                    "token_type": .required(.constant("Bearer")),
                    "expires_in": .required(.integer(minimum: 1, format: "int32"), "Seconds until the access token expires (900)."),
                    "refresh_token": .required(.string(), "Opaque and single use: each refresh returns the next. Valid at most 7 days after login."),
                    "csrf_token": .required(.string(), "Echo as `X-CSRF-Token` when refreshing or logging out with the cookie."),
                ],
                closed: true
            ).describe("A new pair of tokens."),
            "RefreshRequest": .object(["refresh_token": .optional(.string(), "Leave out to use the `atrium_refresh` cookie (with `X-CSRF-Token`).")], closed: false)
                .describe("The refresh token to rotate."),
            "LogoutRequest": .object(["refresh_token": .optional(.string(), "Leave out to use the cookie or the access token.")], closed: false)
                .describe("The session to end."),
            "PasswordChangeRequest": .object(
                [
                    "current_password": .required(.string(maxLength: 256)),
                    "new_password": .required(.string(minLength: 8, maxLength: 256), "The registration rules apply; must differ from the current one."),
                ],
                closed: false
            ).describe("A password change."),
            "MFAEnrollment": .object(
                [
                    "secret": .required(JSONSchema(["type": "string", "pattern": "^[A-Z2-7]+=*$"]), "The shared secret in base32, for manual entry."),
                    "otpauth_uri": .required(JSONSchema(["type": "string", "pattern": "^otpauth://totp/"]), "For a QR code: SHA-1, 6 digits, 30-second steps, issuer `Atrium`."),
                ],
                closed: true
            ).describe("A pending TOTP secret."),
            "MFAVerifyRequest": .object(["code": .required(JSONSchema(["type": "string", "pattern": "^[0-9]{6}$"]), "6 digits.")], closed: false)
                .describe("A code from the pending secret."),
            "MFAStatus": .object(["mfa_enabled": .required(.boolean)], closed: true).describe("Whether login needs a TOTP code."),
            "UserAccount": .object(
                [
                    "id": .required(.string(format: "uuid"), "The user id (lower case)."),
                    "email": .required(.string(format: "email")),
                    "name": .optional(.string()),
                    "kind": .required(.enumeration(UserKind.allCases.map(\.rawValue))),
                    "roles": .required(.array(.enumeration(Role.allCases.map(\.rawValue))), "`customer`, or staff roles."),
                    "tenant": .required(.string()),
                    "mfa_enabled": .required(.boolean),
                    "created_at": .required(.dateTime),
                ],
                closed: true
            ).describe("An account as registration created it."),
        ]
    }
}
