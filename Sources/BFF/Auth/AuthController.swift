import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// The handlers of `/api/v1/auth`: register, login, refresh, logout, password change, MFA enrol and verify.
///
/// One controller per router: it owns the refresh-token store (so the memory store is shared by every auth
/// route of the process) and the token service. Handlers are split by concern over `AuthController+*.swift`.
struct AuthController: Sendable {
    let services: AppServices
    let hasher: PasswordHasher
    let tokens: TokenService
    let refreshTokens: RefreshTokenService
    let cookies: AuthCookies
    let lockout = LockoutPolicy()
    let dummyHash: DummyPasswordHash

    /// - Parameters:
    ///   - services: The server's services (store, clock, secrets, Redis).
    ///   - passwordCost: bcrypt cost for new hashes; 12 outside tests.
    ///   - refreshStore: The refresh-token store; by default Redis when configured, else memory.
    init(services: AppServices, passwordCost: Int = 12, refreshStore: (any RefreshTokenStore)? = nil) {
        self.services = services
        self.hasher = PasswordHasher(pepper: services.passwordPepper, cost: passwordCost)
        self.tokens = TokenService(secret: services.jwtSecret, clock: services.clock)
        self.refreshTokens = RefreshTokenService(store: refreshStore ?? RefreshTokenService.store(for: services))
        self.cookies = AuthCookies(secret: services.jwtSecret)
        self.dummyHash = DummyPasswordHash(hasher: hasher)
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("register", use: register)
        routes.post("login", use: login)
        routes.post("refresh", use: refresh)
        routes.post("logout", use: logout)
        routes.post("password", use: changePassword)
        routes.post("mfa/enroll", use: enrollMFA)
        routes.post("mfa/verify", use: verifyMFA)
        return routes
    }

    // MARK: - Shared steps

    /// Starts a session for `user`: a new refresh family and an access token naming it, answered with both
    /// cookies. Used by login; refresh answers the same shape for an existing family.
    func sessionResponse(
        for user: UserRecord,
        refresh: RefreshToken,
        family: RefreshFamily,
        request: Request,
        context: AppRequestContext
    ) async throws -> Response {
        let access = try await tokens.issue(for: Self.identity(of: user, family: family.id))
        let body = AuthTokenResponse(
            accessToken: access.token,
            expiresIn: access.expiresIn,
            refreshToken: refresh.value,
            csrfToken: cookies.csrfToken(family: family.id)
        )
        var response = try body.response(from: request, context: context)
        // Token responses must never be stored by a cache (RFC 6749 §5.1).
        response.headers[.cacheControl] = "no-store"
        cookies.set(on: &response, refresh: refresh, family: family, now: services.clock.now())
        return response
    }

    /// The identity an access token carries for `user`; roles are normalised to what the kind allows.
    static func identity(of user: UserRecord, family: String?) -> AuthenticatedUser {
        let roles: Set<Role> =
            switch user.kind {
            case .customer: [.customer]
            case .staff: Set(user.roles.filter(\.isStaff))
            }
        return AuthenticatedUser(userID: user.id, tenant: user.tenant, kind: user.kind, roles: roles, family: family)
    }

    /// The signed-in user of an authenticated auth route (password change, MFA).
    ///
    /// - Throws: 401 without a valid access token, or when the account no longer exists.
    func signedInUser(_ context: AppRequestContext) async throws -> (AuthenticatedUser, UserRecord) {
        guard let identity = context.identity, let user = try await services.store.users.user(id: identity.userID) else {
            throw Problem.authenticationRequired
        }
        return (identity, user)
    }

    /// Decodes an optional JSON body: nil when the request has no body at all.
    ///
    /// - Throws: 400 when there is a body and it is not the expected JSON.
    static func optionalBody<Body: Decodable>(_ type: Body.Type, _ request: Request, context: AppRequestContext) async throws -> Body? {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        do {
            return try context.requestDecoder.decode(Body.self, from: Data(buffer.readableBytesView))
        } catch {
            throw Problem(.badRequest, status: .badRequest, detail: "The body is not valid JSON for this route.")
        }
    }
}

/// A bcrypt hash of a random password, verified against when a login names no account, so that answer costs
/// the same bcrypt work as a wrong password for a real account. Computed once, on first need, at the
/// hasher's cost (the cost real hashes are made with).
final class DummyPasswordHash: Sendable {
    private let hasher: PasswordHasher
    private let task = NIOLockedValueBox<Task<String, any Error>?>(nil)

    init(hasher: PasswordHasher) {
        self.hasher = hasher
    }

    func value() async throws -> String {
        let task = task.withLockedValue { task in
            if let task { return task }
            let hasher = self.hasher
            let made = Task { try await hasher.hash(SecretGenerator.random(bytes: 32)) }
            task = made
            return made
        }
        return try await task.value
    }
}
