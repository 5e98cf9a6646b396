@testable import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import Testing

/// A clock tests move by hand.
final class AuthTestClock: Sendable {
    private let now: NIOLockedValueBox<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_900_000_000)) {
        self.now = NIOLockedValueBox(start)
    }

    var appClock: AppClock { AppClock { [now] in now.withLockedValue { $0 } } }
    var current: Date { now.withLockedValue { $0 } }
    func advance(_ seconds: TimeInterval) { now.withLockedValue { $0 += seconds } }
}

/// The auth routes on their own: request ids, problem rendering, the authentication middleware, `/api/v1/auth`
/// with a cost-4 bcrypt (the explicit internal parameter), and one portal-only test route.
///
/// Focused tests use this rather than the full router so that other areas' middleware (rate limits above all:
/// login allows 5/s) cannot change what a test about authentication sees; the scenario tests in
/// `AuthScenarioTests` run the full application.
struct AuthHarness: Sendable {
    static let jwtSecret = Secret("test-jwt-secret-that-is-at-least-32-bytes-long!")
    static let pepper = Secret("test-pepper-0123456789abcdef")
    static let password = "correct horse battery staple"

    let clock = AuthTestClock()
    let services: AppServices
    let controller: AuthController

    init(refreshStore: (any RefreshTokenStore)? = nil) {
        let config = AtriumConfig(upstreams: .live([:]), jwtSecret: Self.jwtSecret, passwordPepper: Self.pepper)
        let logger = Logger(label: "auth-test")
        services = AppServices(
            config: config,
            store: .memory(),
            cache: Cache(store: MemoryCacheStore()),
            providers: ProviderRegistry(),
            jobs: .memory(),
            redis: nil,
            jwtSecret: Self.jwtSecret,
            passwordPepper: Self.pepper,
            clock: clock.appClock,
            logger: logger
        )
        controller = AuthController(services: services, passwordCost: 4, refreshStore: refreshStore)
    }

    var app: some ApplicationProtocol {
        let services = services
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            RequestIDMiddleware()
            ProblemMiddleware()
            AuthenticationMiddleware(services: services)
        }
        let api = router.group("api/v1")
        AuthRoutes.add(to: api, controller: controller)
        api.group("test", context: PortalContext.self).get("portal") { _, context in
            context.customer.userID.uuidString.lowercased()
        }
        return Application(router: router)
    }

    /// Adds an account directly to the store, hashed at cost 4.
    @discardableResult
    func seed(email: String, kind: UserKind = .customer, roles: [Role] = [.customer], password: String = AuthHarness.password) async throws -> UserRecord {
        let hash = try await PasswordHasher(pepper: Self.pepper, cost: 4).hash(password)
        let user = UserRecord(tenant: "default", email: email, passwordHash: hash, kind: kind, roles: roles, createdAt: clock.current)
        try await services.store.users.create(user)
        return user
    }

    func auditActions() async throws -> [String] {
        try await services.store.audit.entries(matching: AuditFilter(), before: nil, limit: 1000).reversed().map(\.action)
    }
}

// MARK: - Request helpers

struct AuthTokenBody: Decodable {
    let access_token: String
    let token_type: String
    let expires_in: Int
    let refresh_token: String
    let csrf_token: String
}

struct AuthProblemBody: Decodable, Equatable {
    let type: String
    let title: String
    let status: Int
    let detail: String?
    let instance: String
}

extension TestClientProtocol {
    func authPost(_ path: String, json: [String: String]? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: json)))
        }
        return try await execute(uri: path, method: .post, headers: headers, body: body)
    }

    func authLogin(_ email: String, _ password: String, otp: String? = nil) async throws -> TestResponse {
        var json = ["email": email, "password": password]
        json["otp"] = otp
        return try await authPost("/api/v1/auth/login", json: json)
    }
}

extension TestResponse {
    func authDecode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(String(buffer: body).utf8))
    }

    var authProblemType: String? { try? authDecode(AuthProblemBody.self).type }

    /// The value of a cookie this response sets.
    func authCookie(_ name: String) -> String? {
        authSetCookies.first { $0.hasPrefix("\(name)=") }?.split(separator: ";").first.map { String($0.dropFirst(name.count + 1)) }
    }

    var authSetCookies: [String] { headers[values: .setCookie] }
}

func authBearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

/// A `Cookie` header, plus `X-CSRF-Token` when given.
func authCookieHeaders(_ cookie: String, csrf: String?) throws -> HTTPFields {
    var fields: HTTPFields = [.cookie: cookie]
    if let csrf { fields[try #require(HTTPField.Name("X-CSRF-Token"))] = csrf }
    return fields
}
