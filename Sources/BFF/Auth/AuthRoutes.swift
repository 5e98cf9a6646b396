public import Hummingbird

/// Mounts the authentication routes under `<group>/auth` (PRODUCT.md: `/api/v1/auth/...`).
///
/// | route | |
/// | --- | --- |
/// | `POST register` | email, password, name → 201 profile (customer, tenant `default`) |
/// | `POST login` | email, password, otp → 200 tokens + refresh and CSRF cookies |
/// | `POST refresh` | refresh token (body, or cookie + `X-CSRF-Token`) → 200 tokens, rotated |
/// | `POST logout` | refresh token and/or access token → 204, family revoked |
/// | `POST password` | authenticated; current + new password → 204, every family revoked |
/// | `POST mfa/enroll` | authenticated → TOTP secret + `otpauth://` URI (pending) |
/// | `POST mfa/verify` | authenticated; code → MFA enabled |
public enum AuthRoutes {
    public static func add(to group: RouterGroup<AppRequestContext>, services: AppServices) {
        add(to: group, controller: AuthController(services: services))
    }

    /// Mounts a given controller (tests pass one with a lower bcrypt cost or a chosen refresh store).
    static func add(to group: RouterGroup<AppRequestContext>, controller: AuthController) {
        group.addRoutes(controller.routes, atPath: "auth")
    }
}
