import Foundation
import Hummingbird
import Logging

extension AuthController {
    /// The tenant self-registered customers join.
    static let registrationTenant = "default"

    /// `POST /auth/register`: creates a customer account and answers 201 with its profile (no session: the
    /// client logs in next, so login stays the one place that issues tokens and checks MFA and lockout).
    ///
    /// A taken email answers 409. That does tell a caller that the address has an account; the alternative
    /// (answer 201 either way and tell the owner by email) needs an outbound email channel Atrium does not
    /// have. Enumeration through this route is slowed by its rate limit (2/s, burst 2), and login itself never
    /// reveals whether an email exists.
    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: AuthRegisterRequest.self, context: context)
        let email = UserRecord.normalise(email: body.email)
        try Self.validate(email: email)
        try PasswordPolicy.validate(body.password)
        let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, name.count > 100 { throw Problem.authInvalid("The name must be at most 100 characters long.") }

        let audit = AuthAudit(services: services, request: request, context: context)
        let user = UserRecord(
            tenant: Self.registrationTenant,
            email: email,
            passwordHash: try await hasher.hash(body.password),
            kind: .customer,
            roles: [.customer],
            displayName: name?.isEmpty == false ? name : nil,
            createdAt: audit.now
        )
        do {
            try await services.store.users.create(user)
        } catch let error as StoreError where error.code == .conflict {
            await audit.record("auth.register", user: nil, outcome: "failure", details: ["reason": "email_taken", "email": AuthAudit.masked(email: email)])
            throw Problem(.conflict, status: .conflict, detail: "An account with this email address already exists.")
        }
        await audit.record("auth.register", user: user, outcome: "success")
        var response = try AuthUserProfile(user).response(from: request, context: context)
        response.status = .created
        return response
    }

    /// `POST /auth/password` (authenticated): checks the current password, sets the new one, and ends every
    /// session of the account (all refresh families; this one too). Answers 204.
    ///
    /// A wrong current password counts as a failed login (so a stolen access token cannot be used to guess
    /// the password past the lockout) and answers 403, not 401: the access token itself was fine.
    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, user) = try await signedInUser(context)
        let body = try await request.decode(as: AuthPasswordChangeRequest.self, context: context)
        try PasswordPolicy.refuseOverlong(body.currentPassword)
        let audit = AuthAudit(services: services, request: request, context: context)
        if let until = user.lockedUntil, until > audit.now {
            await audit.record("auth.password_change", user: user, outcome: "denied", details: ["reason": "locked"])
            throw Problem(.forbidden, status: .forbidden, detail: "The account is temporarily locked after repeated failures.")
        }
        guard try await hasher.verify(body.currentPassword, against: user.passwordHash) else {
            try await recordFailure(user, reason: "bad_current_password", audit: audit, context: context)
            throw Problem(.forbidden, status: .forbidden, detail: "The current password is incorrect.")
        }
        try PasswordPolicy.validate(body.newPassword)
        if body.newPassword == body.currentPassword {
            throw Problem.authInvalid("The new password must differ from the current one.")
        }
        try await services.store.users.updatePassword(id: user.id, passwordHash: try await hasher.hash(body.newPassword), now: audit.now)
        let ended = try await refreshTokens.revokeAll(userID: user.id, reason: "password_change", now: audit.now)
        await audit.record("auth.password_change", user: user, outcome: "success", details: ["sessions_revoked": "\(ended)"])
        var response = Response(status: .noContent)
        AuthCookies.clear(on: &response)
        return response
    }

    /// A plausible address: at most 254 characters, one `@` with 1–64 characters before it and a dotted domain
    /// after it, no spaces or control characters. Deliverability is not Atrium's to check.
    static func validate(email: String) throws {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let valid =
            email.count <= 254 && parts.count == 2 && (1...64).contains(parts[0].count) && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && email.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && !($0.value < 0x20 || $0.value == 0x7F) }
        guard valid else { throw Problem.authInvalid("The email address is not valid.") }
    }
}
