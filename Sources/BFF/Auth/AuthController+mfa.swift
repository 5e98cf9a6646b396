import Foundation
import Hummingbird
import Logging

extension AuthController {
    /// `POST /auth/mfa/enroll` (authenticated): creates a TOTP secret, stored as pending until a code from it
    /// is verified, and answers it with its `otpauth://` URI.
    ///
    /// Enrolling again before verifying replaces the pending secret. Once MFA is enabled this answers 409:
    /// replacing an active second factor must not be possible with an access token alone.
    @Sendable func enrollMFA(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, user) = try await signedInUser(context)
        guard !user.mfaEnabled else {
            throw Problem(.conflict, status: .conflict, detail: "Two-factor authentication is already enabled on this account.")
        }
        let secret = TOTPSecret.generate()
        guard let base32 = secret.base32(account: user.email) else {
            throw Problem(.internalError, status: .internalServerError, detail: "An unexpected error occurred.")
        }
        try await services.store.users.setMFA(id: user.id, secret: secret.stored, enabled: false)
        let audit = AuthAudit(services: services, request: request, context: context)
        await audit.record("auth.mfa_enroll", user: user, outcome: "success")
        var response = try AuthMFAEnrollResponse(secret: base32, otpauthURI: secret.authenticatorURI(account: user.email))
            .response(from: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `POST /auth/mfa/verify` (authenticated): a current code from the pending secret turns MFA on; from then on
    /// login needs `otp`.
    @Sendable func verifyMFA(_ request: Request, context: AppRequestContext) async throws -> AuthMFAStatusResponse {
        let (_, user) = try await signedInUser(context)
        let body = try await request.decode(as: AuthMFAVerifyRequest.self, context: context)
        guard !user.mfaEnabled else {
            throw Problem(.conflict, status: .conflict, detail: "Two-factor authentication is already enabled on this account.")
        }
        guard let stored = user.mfaSecret else {
            throw Problem(.conflict, status: .conflict, detail: "There is no pending enrolment: call mfa/enroll first.")
        }
        let audit = AuthAudit(services: services, request: request, context: context)
        guard let step = TOTPSecret(stored: stored).matchingStep(body.code, now: audit.now),
            try await services.store.users.claimTOTPStep(id: user.id, step: step)
        else {
            await audit.record("auth.mfa_enable", user: user, outcome: "failure", details: ["reason": "bad_code"])
            throw Problem.authInvalid("The code is not valid for the enrolled secret; check the device's clock and try the current code.")
        }
        try await services.store.users.setMFA(id: user.id, secret: stored, enabled: true)
        await audit.record("auth.mfa_enable", user: user, outcome: "success")
        return AuthMFAStatusResponse(mfaEnabled: true)
    }
}
