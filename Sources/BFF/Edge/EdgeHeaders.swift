public import HTTPTypes

/// Header names of the edge and the security headers every response carries.
///
/// The names live in this namespace rather than in an `HTTPField.Name` extension, so they cannot collide with
/// names other areas declare.
public enum EdgeHeaders {
    public static let idempotencyKey = name("Idempotency-Key")
    public static let idempotencyReplayed = name("Idempotency-Replayed")
    public static let rateLimit = name("RateLimit")
    public static let rateLimitPolicy = name("RateLimit-Policy")
    public static let xCache = name("X-Cache")
    public static let xCSRFToken = name("X-CSRF-Token")
    public static let xForwardedFor = name("X-Forwarded-For")
    public static let xFrameOptions = name("X-Frame-Options")
    public static let referrerPolicy = name("Referrer-Policy")
    public static let permissionsPolicy = name("Permissions-Policy")

    private static func name(_ text: String) -> HTTPField.Name {
        guard let name = HTTPField.Name(text) else { preconditionFailure("'\(text)' is not a valid header name") }
        return name
    }

    /// The JSON API's policy: it loads nothing and may not be framed.
    public static let apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    /// `/docs` when the route sends no policy of its own: a self-contained page the server renders, with inline
    /// style and no script, CDN or form. (`ContractRoutes` sends a stricter one that allows its one stylesheet by
    /// hash; a route's own policy is kept, see ``applySecurityHeaders(to:path:)``.)
    public static let docsContentSecurityPolicy =
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Powerful browser features an API origin never needs.
    public static let permissionsPolicyValue =
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
        + "microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), browsing-topics=()"

    /// The Content-Security-Policy for a path: the docs page gets its own, everything else the API's.
    public static func contentSecurityPolicy(forPath path: String) -> String {
        path == "/docs" || path.hasPrefix("/docs/") ? docsContentSecurityPolicy : apiContentSecurityPolicy
    }

    /// Adds the security headers to `headers`. A route's own Content-Security-Policy and Cache-Control are kept (a
    /// cached read may say `private, max-age=…`); everything else is set here.
    static func applySecurityHeaders(to headers: inout HTTPFields, path: String) {
        headers[xFrameOptions] = "DENY"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        headers[referrerPolicy] = "no-referrer"
        headers[permissionsPolicy] = permissionsPolicyValue
        if headers[.contentSecurityPolicy] == nil {
            headers[.contentSecurityPolicy] = contentSecurityPolicy(forPath: path)
        }
        if path.hasPrefix("/api/"), headers[.cacheControl] == nil {
            headers[.cacheControl] = "no-store"
        }
    }
}
