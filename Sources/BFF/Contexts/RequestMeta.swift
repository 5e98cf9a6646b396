/// Facts about a request the middleware learns before any handler runs: where it came from (for rate limits and
/// the audit log) and how it was authenticated (cookie-authenticated mutations need a CSRF token).
public struct RequestMeta: Sendable, Hashable {
    /// The peer's IP address (the socket's; Atrium does not trust `X-Forwarded-For` unless configured to).
    public var clientIP: String?
    public var userAgent: String?
    /// The largest request body a route accepts, in bytes (1 MiB of JSON by default).
    public var maxBodyBytes: Int

    public init(clientIP: String? = nil, userAgent: String? = nil, maxBodyBytes: Int = 1 << 20) {
        self.clientIP = clientIP
        self.userAgent = userAgent
        self.maxBodyBytes = maxBodyBytes
    }
}
