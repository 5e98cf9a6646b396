public import Domain

/// The one error every provider adapter throws: a stable code, the upstream, and details that are safe to log.
///
/// `detail` is for logs only and never sent to clients; it must not carry tokens, e-mail addresses, card data
/// or raw bodies. `path` names the JSON path (or XML element path) of an invalid payload, e.g.
/// `$.data[3].amount_due`.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case unavailable, timeout, rateLimited, unauthorized, notFound, conflict, invalidPayload, circuitOpen
            case rejected, responseTooLarge
        }
        private let base: Base

        /// Connection refused or reset, or the upstream answered 5xx after the retries.
        public static let unavailable = Code(base: .unavailable)
        /// No complete answer within the call's deadline.
        public static let timeout = Code(base: .timeout)
        /// The upstream answered 429 (or its own rate-limit error); `retryAfter` says when it may be asked again.
        public static let rateLimited = Code(base: .rateLimited)
        /// Credentials refused (401/403, an expired token that could not be refreshed).
        public static let unauthorized = Code(base: .unauthorized)
        public static let notFound = Code(base: .notFound)
        /// The request conflicts with the upstream's state (a reused idempotency key with other parameters,
        /// a line locked by a running operation).
        public static let conflict = Code(base: .conflict)
        /// The upstream's payload is missing a field, has an ill-typed one, or is not JSON/XML at all.
        public static let invalidPayload = Code(base: .invalidPayload)
        /// The circuit breaker is open: the call was not sent.
        public static let circuitOpen = Code(base: .circuitOpen)
        /// The upstream refused the request itself (400/402/422: a declined card, an invalid parameter).
        public static let rejected = Code(base: .rejected)
        /// The response body exceeded the transport's size cap; the read was aborted.
        public static let responseTooLarge = Code(base: .responseTooLarge)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let provider: UpstreamID
    /// The HTTP status the upstream answered, when it answered.
    public let upstreamStatus: Int?
    /// The upstream's own error code when it gave one (`resource_missing`, `INVALID_SESSION_ID`, …).
    public let upstreamCode: String?
    /// For `invalidPayload`: where in the payload the problem is.
    public let path: String?
    /// For `rateLimited`: how long the upstream asked us to wait.
    public let retryAfter: Duration?
    /// For logs only; safe to log by construction of the adapters (no secrets, no personal data, no bodies).
    public let detail: String

    public init(
        _ code: Code,
        provider: UpstreamID,
        upstreamStatus: Int? = nil,
        upstreamCode: String? = nil,
        path: String? = nil,
        retryAfter: Duration? = nil,
        detail: String
    ) {
        self.code = code
        self.provider = provider
        self.upstreamStatus = upstreamStatus
        self.upstreamCode = upstreamCode
        self.path = path
        self.retryAfter = retryAfter
        self.detail = detail
    }

    /// An invalid payload at `path` (a JSON path such as `$.lines.data[0].amount`).
    public static func invalidPayload(_ provider: UpstreamID, path: String, _ detail: String) -> ProviderError {
        ProviderError(.invalidPayload, provider: provider, path: path, detail: detail)
    }

    public var description: String {
        var text = "\(provider.rawValue) \(code)"
        if let upstreamStatus { text += " (HTTP \(upstreamStatus))" }
        if let upstreamCode { text += " [\(upstreamCode)]" }
        if let path { text += " at \(path)" }
        if let retryAfter { text += " retry after \(retryAfter)" }
        return text + ": " + detail
    }
}
