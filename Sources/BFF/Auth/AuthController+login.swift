import Foundation
import Hummingbird
import Logging

extension AuthController {
    /// `POST /auth/login`: email + password (+ `otp` once MFA is on) → tokens and session cookies.
    ///
    /// Unknown email, wrong password, locked account and wrong code all answer ``Problem/invalidCredentials``
    /// after the same bcrypt work (an unknown email is checked against ``DummyPasswordHash``; a locked account's
    /// password is still verified, and ignored). The one distinct answer is `mfa-required`, given only when the
    /// password was right, the account is not locked and no code was sent: that tells someone who already has
    /// the password that it is right, which is what a two-step login has to reveal to ask for the second
    /// factor; guessing the code is then bounded by the same lockout (a wrong code counts as a failure).
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: AuthLoginRequest.self, context: context)
        // Not a password any account can have: refuse before any hashing.
        try PasswordPolicy.refuseOverlong(body.password)
        let audit = AuthAudit(services: services, request: request, context: context)
        let now = audit.now
        let users = services.store.users

        guard let user = try await users.user(email: body.email) else {
            _ = try await hasher.verify(body.password, against: dummyHash.value())
            await audit.record("auth.login_failed", user: nil, outcome: "failure", details: ["reason": "unknown_account", "email": AuthAudit.masked(email: body.email)])
            context.logger.debug("login refused", metadata: ["reason": "unknown_account"])
            throw Problem.invalidCredentials
        }
        let passwordMatches = try await hasher.verify(body.password, against: user.passwordHash)
        if let until = user.lockedUntil, until > now {
            await audit.record("auth.login_failed", user: user, outcome: "denied", details: ["reason": "locked"])
            context.logger.debug("login refused", metadata: ["reason": "locked", "user": "\(user.id)"])
            throw Problem.invalidCredentials
        }
        guard passwordMatches else {
            try await recordFailure(user, reason: "bad_password", audit: audit, context: context)
            throw Problem.invalidCredentials
        }
        if user.mfaEnabled {
            guard let code = body.otp, !code.isEmpty else {
                await audit.record("auth.login_mfa_required", user: user, outcome: "denied")
                throw Problem(.mfaRequired, status: .unauthorized, detail: "This account uses two-factor authentication: send the current code as otp.")
            }
            guard let secret = user.mfaSecret, let step = TOTPSecret(stored: secret).matchingStep(code, now: now),
                try await users.claimTOTPStep(id: user.id, step: step)
            else {
                try await recordFailure(user, reason: "bad_otp", audit: audit, context: context)
                throw Problem.invalidCredentials
            }
        }

        try await users.recordLoginSuccess(id: user.id)
        let (refresh, family) = try await startFamily(for: user, now: now)
        await audit.record("auth.login", user: user, outcome: "success", details: ["family": family.id, "mfa": user.mfaEnabled ? "yes" : "no"])
        return try await sessionResponse(for: user, refresh: refresh, family: family, request: request, context: context)
    }

    /// Counts one failed login and audits it, and the lockout when this failure caused one.
    func recordFailure(_ user: UserRecord, reason: String, audit: AuthAudit, context: AppRequestContext) async throws {
        let outcome = try await services.store.users.recordLoginFailure(id: user.id, now: audit.now, policy: lockout)
        await audit.record("auth.login_failed", user: user, outcome: "failure", details: ["reason": reason, "failures": "\(outcome.failedLogins)"])
        context.logger.debug("login refused", metadata: ["reason": "\(reason)", "user": "\(user.id)"])
        if outcome.lockedNow, let until = outcome.lockedUntil {
            await audit.record("auth.lockout", user: user, outcome: "success", details: ["locked_until": ISO8601DateFormatter().string(from: until)])
            context.logger.notice("account locked after repeated login failures", metadata: ["user": "\(user.id)"])
        }
    }

    /// A new refresh family; a family refused by the store (revoked while being created by a concurrent
    /// "revoke all sessions") answers as a failed login would.
    func startFamily(for user: UserRecord, now: Date) async throws -> (RefreshToken, RefreshFamily) {
        do {
            let (token, family) = try await refreshTokens.issue(userID: user.id, now: now)
            return (token, family)
        } catch let error as RefreshTokenError where error.code == .familyRefused {
            throw Problem.invalidCredentials
        }
    }
}
