import Foundation
public import HTTPTypes

/// Which browser origins may call the API, from `ATRIUM_CORS_ORIGINS`, and the CORS headers for each answer.
///
/// Listed origins get credentialed CORS: the exact origin is echoed with `Access-Control-Allow-Credentials:
/// true` (cookies and the refresh-token cookie work). A `*` entry lets any other origin read responses without
/// credentials (`Access-Control-Allow-Origin: *`, never combined with credentials, which browsers refuse and which
/// would hand every site a user's session). The `null` origin (sandboxed frames, `file:` pages) is never allowed.
public struct CORSPolicy: Sendable {
    /// Lower-cased, as browsers serialise origins.
    let origins: Set<String>
    let allowsAnyOrigin: Bool

    public static let allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE"
    public static let allowedHeaders = "Authorization, Content-Type, Idempotency-Key, X-CSRF-Token, X-Request-ID"
    public static let exposedHeaders = "X-Request-ID, X-Cache, RateLimit, RateLimit-Policy, Retry-After, Idempotency-Replayed"
    /// Seconds a browser may cache a preflight answer.
    public static let maxAge = "600"

    public init(origins: [String]) {
        self.allowsAnyOrigin = origins.contains("*")
        self.origins = Set(origins.filter { $0 != "*" }.map { $0.lowercased() })
    }

    /// True when CORS is configured at all (else no CORS header is ever sent, not even `Vary`).
    public var isEnabled: Bool { allowsAnyOrigin || !origins.isEmpty }

    /// What the policy says about a request's `Origin`.
    public enum Verdict: Sendable, Equatable {
        /// No `Origin` header: not a cross-origin browser request.
        case notCrossOrigin
        /// A listed origin: echo it, with credentials.
        case credentialed(origin: String)
        /// Any origin through `*`: no credentials.
        case anonymous
        case refused
    }

    public func verdict(for origin: String?) -> Verdict {
        guard let origin else { return .notCrossOrigin }
        if origin != "null", origins.contains(origin.lowercased()) { return .credentialed(origin: origin) }
        if origin != "null", allowsAnyOrigin { return .anonymous }
        return .refused
    }

    /// Adds the CORS headers of an actual (non-preflight) response.
    func apply(_ verdict: Verdict, to headers: inout HTTPFields) {
        guard isEnabled else { return }
        Self.addVaryOrigin(to: &headers)
        switch verdict {
        case .credentialed(let origin):
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlAllowCredentials] = "true"
            headers[.accessControlExposeHeaders] = Self.exposedHeaders
        case .anonymous:
            headers[.accessControlAllowOrigin] = "*"
            headers[.accessControlExposeHeaders] = Self.exposedHeaders
        case .notCrossOrigin, .refused:
            break
        }
    }

    /// The headers of a successful preflight answer (204).
    func preflightHeaders(_ verdict: Verdict) -> HTTPFields {
        var headers = HTTPFields()
        apply(verdict, to: &headers)
        headers[.accessControlExposeHeaders] = nil
        headers[.accessControlAllowMethods] = Self.allowedMethods
        headers[.accessControlAllowHeaders] = Self.allowedHeaders
        headers[.accessControlMaxAge] = Self.maxAge
        return headers
    }

    /// Responses differ by `Origin`, so shared caches must key on it; an existing `Vary` is extended.
    static func addVaryOrigin(to headers: inout HTTPFields) {
        let existing = headers[values: .vary]
        let listed = existing.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !listed.contains("origin"), !listed.contains("*") else { return }
        headers.append(HTTPField(name: .vary, value: "Origin"))
    }
}
