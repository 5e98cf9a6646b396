public import Hummingbird
import Foundation
import Logging

/// Turns `Authorization: Bearer <jwt>` into `context.identity`.
///
/// No header: the request goes on anonymous (route contexts such as ``PortalContext`` decide whether that is
/// enough). A valid token of either audience: the identity, with its kind, so each route area accepts only its
/// own (a staff token never opens portal routes). A header that is present but not a valid token: 401,
/// vague to the client and detailed at debug in the log, except on the routes that exchange credentials
/// (login, register, refresh, logout), where a stale token is ignored: a client whose access token expired must
/// still be able to refresh and log out, even if it keeps sending the old header.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let tokens: TokenService

    public init(services: AppServices) {
        self.tokens = TokenService(secret: services.jwtSecret, clock: services.clock)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let headers = request.headers[values: .authorization]
        guard !headers.isEmpty else { return try await next(request, context) }
        var context = context
        do {
            guard headers.count == 1, let token = Self.bearerToken(headers[0]) else {
                throw TokenRejection(.malformed, "Authorization is not one Bearer credential")
            }
            context.identity = try await tokens.verify(token, accepting: [.customer, .staff])
        } catch {
            context.logger.debug("access token refused", metadata: ["reason": "\(error)"])
            if Self.exchangesCredentials(request.uri.path) { return try await next(request, context) }
            throw Problem(
                .unauthorized,
                status: .unauthorized,
                detail: "The access token is invalid or expired.",
                headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#]
            )
        }
        return try await next(request, context)
    }

    /// The token of `Bearer <token>` (scheme case-insensitive, RFC 7235), or nil.
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    static let credentialExchangePaths: Set<String> = ["/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/refresh", "/api/v1/auth/logout"]

    static func exchangesCredentials(_ path: String) -> Bool {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return credentialExchangePaths.contains(String(path))
    }
}
