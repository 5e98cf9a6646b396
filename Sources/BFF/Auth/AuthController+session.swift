import Foundation
import Hummingbird
import Logging

extension AuthController {
    /// `POST /auth/refresh`: exchanges a refresh token (body, or cookie + CSRF header) for a new pair.
    ///
    /// Every refusal (unknown, spent, revoked, expired) answers the same 401 and clears the cookies. A spent token
    /// presented again revokes its whole family and is audited as `auth.refresh_reuse`, including the loser of
    /// two concurrent refreshes with one token (there is no grace window; see ``RefreshTokenStore``).
    @Sendable func refresh(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Self.optionalBody(AuthRefreshRequest.self, request, context: context)
        let presented: String
        if let token = body?.refreshToken {
            presented = token
        } else if let token = try cookies.cookieToken(request) {
            presented = token
        } else {
            throw Self.refused
        }
        let audit = AuthAudit(services: services, request: request, context: context)
        let exchange = try await refreshTokens.rotate(presented, now: audit.now)
        switch exchange.outcome {
        case .rotated(let family):
            guard let successor = exchange.successor, let user = try await services.store.users.user(id: family.userID) else {
                _ = try await refreshTokens.revoke(family: family.id, reason: "account_gone", now: audit.now)
                throw Self.refused
            }
            return try await sessionResponse(for: user, refresh: successor, family: family, request: request, context: context)
        case .reused(let family):
            let user = try await services.store.users.user(id: family.userID)
            await audit.record("auth.refresh_reuse", user: user, outcome: "denied", details: ["family": family.id])
            context.logger.warning("refresh token reused: family revoked", metadata: ["family": "\(family.id)", "user": "\(family.userID)"])
            throw Self.refused
        case .revoked(let family):
            context.logger.debug("refresh refused", metadata: ["reason": "revoked", "family": "\(family.id)"])
            throw Self.refused
        case .expired, .unknown:
            context.logger.debug("refresh refused", metadata: ["reason": "\(exchange.outcome)"])
            throw Self.refused
        }
    }

    /// `POST /auth/logout`: revokes the session named by the refresh token (body, or cookie + CSRF header)
    /// and/or by the access token's family; answers 204 and clears the cookies.
    ///
    /// An unknown or already-ended session still answers 204: logging out is idempotent and says nothing about
    /// the token. A request that names no session at all (no token, no cookie, no valid access token) is 401.
    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Self.optionalBody(AuthLogoutRequest.self, request, context: context)
        let presented = try body?.refreshToken ?? cookies.cookieToken(request)
        let family = context.identity?.family
        guard presented != nil || family != nil else { throw Problem.authenticationRequired }

        let audit = AuthAudit(services: services, request: request, context: context)
        var revoked: [RefreshFamily] = []
        if let presented, let ended = try await refreshTokens.revoke(token: presented, reason: "logout", now: audit.now) {
            revoked.append(ended)
        }
        if let family, !revoked.contains(where: { $0.id == family }),
            let ended = try await refreshTokens.revoke(family: family, reason: "logout", now: audit.now)
        {
            revoked.append(ended)
        }
        for ended in revoked {
            let user = try await services.store.users.user(id: ended.userID)
            await audit.record("auth.logout", user: user, outcome: "success", details: ["family": ended.id])
        }
        var response = Response(status: .noContent)
        AuthCookies.clear(on: &response)
        return response
    }

    /// The refusal of a refresh: vague, and it deletes the cookies so a browser stops sending a dead token.
    static var refused: Problem {
        var problem = Problem.invalidRefreshToken
        problem.headers[values: .setCookie] = AuthCookies.clearing
        return problem
    }
}
