import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Queue
import RedisClient
import Sandbox
import TestSupport

/// Sets `context.identity` from test headers, standing in for the authentication middleware (another area's work):
/// `X-Test-User: <uuid>` and `X-Test-Tenant`, plus `X-Test-Kind: staff` for a staff identity.
struct TestIdentityMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let raw = request.headers[PortalHarness.userHeader], let id = UUID(uuidString: raw) {
            let staff = request.headers[PortalHarness.kindHeader] == "staff"
            context.identity = AuthenticatedUser(
                userID: id,
                tenant: request.headers[PortalHarness.tenantHeader] ?? PortalHarness.tenant,
                kind: staff ? .staff : .customer,
                roles: staff ? [.admin] : [.customer],
                family: nil
            )
        }
        return try await next(request, context)
    }
}

/// The portal routes over real sandbox upstreams, with alice and bob linked to their demo data and carol linked
/// to nothing. The cache runs on a clock the test moves; the cache and queues are in memory or on the test Redis.
final class PortalHarness: Sendable {
    enum Backend { case memory, redis }

    static let tenant = "demo"
    static let userHeader = HTTPField.Name("X-Test-User") ?? .authorization
    static let kindHeader = HTTPField.Name("X-Test-Kind") ?? .authorization
    static let tenantHeader = HTTPField.Name("X-Test-Tenant") ?? .authorization

    let sandboxes: SandboxUpstreams
    let services: AppServices
    let advanceCache: @Sendable (Duration) -> Void
    let pool: RedisPool?
    /// The Redis key prefix of the job queues (Redis backend only).
    let queuePrefix: String
    let alice: UUID
    let bob: UUID
    let carol: UUID

    private init(
        sandboxes: SandboxUpstreams, services: AppServices, advanceCache: @escaping @Sendable (Duration) -> Void, pool: RedisPool?,
        queuePrefix: String, alice: UUID, bob: UUID, carol: UUID
    ) {
        self.sandboxes = sandboxes
        self.services = services
        self.advanceCache = advanceCache
        self.pool = pool
        self.queuePrefix = queuePrefix
        self.alice = alice
        self.bob = bob
        self.carol = carol
    }

    /// Starts the sandboxes and builds the services; call ``stop()`` when done (``with(_:_:)`` does).
    static func start(_ backend: Backend = .memory) async throws -> PortalHarness {
        let logger = Logger(label: "test.portal")
        let sandboxes = try await SandboxUpstreams.start(logger: logger)
        let (clock, advance) = CacheClock.manual(startingAt: Int64(Date().timeIntervalSince1970 * 1000))
        let pool: RedisPool?
        let queuePrefix = TestEnv.uniquePrefix("portal")
        let cache: Cache
        let jobs: JobQueues
        switch backend {
        case .memory:
            pool = nil
            cache = Cache(store: MemoryCacheStore(clock: clock), clock: clock)
            jobs = .memory()
        case .redis:
            let redis = try TestEnv.redisPool()
            pool = redis
            cache = Cache(store: RedisCacheStore(pool: redis, clock: clock), clock: clock)
            jobs = .redis(pool: redis, keyPrefix: queuePrefix)
        }
        let store = AtriumStore.memory()
        let services = AppServices(
            config: AtriumConfig(),
            store: store,
            cache: cache,
            providers: ProviderRegistry(sandboxes: sandboxes, logger: logger),
            jobs: jobs,
            redis: pool,
            jwtSecret: Secret(String(repeating: "k", count: 48)),
            passwordPepper: Secret(String(repeating: "p", count: 32)),
            logger: logger
        )
        func user(_ name: String, _ links: AccountLinks) async throws -> UUID {
            let record = UserRecord(
                tenant: tenant, email: "\(name)-\(UUID().uuidString.prefix(8))@demo.atrium.test", passwordHash: "unused", kind: .customer,
                roles: [.customer], displayName: name.capitalized, links: links, createdAt: Date()
            )
            try await store.users.create(record)
            return record.id
        }
        let alice = try await user(
            "alice",
            AccountLinks(
                billingProvider: "stripe", billingCustomerID: StripeSandbox.aliceCustomerID, crmAccountID: SalesforceSandbox.aliceAccountID,
                simAccountID: SIMSandbox.aliceAccountID
            )
        )
        let bob = try await user(
            "bob",
            AccountLinks(
                billingProvider: "stripe", billingCustomerID: StripeSandbox.bobCustomerID, crmAccountID: SalesforceSandbox.bobAccountID,
                simAccountID: SIMSandbox.bobAccountID
            )
        )
        let carol = try await user("carol", AccountLinks())
        return PortalHarness(
            sandboxes: sandboxes, services: services, advanceCache: advance, pool: pool, queuePrefix: queuePrefix, alice: alice, bob: bob,
            carol: carol
        )
    }

    /// The test router: problem rendering, the test identity, then the portal routes under `/api/v1`.
    func router() -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            ProblemMiddleware()
            TestIdentityMiddleware()
        }
        PortalRoutes.add(to: router.group("api/v1"), services: services)
        return router
    }

    /// Stops the sandboxes and removes what the test left in Redis: its users' cache entries and its queues' keys.
    func stop() async {
        for scope in [alice, bob, carol].map({ CustomerIdentity(userID: $0, tenant: Self.tenant, family: nil).cacheScope }) {
            _ = try? await services.cache.invalidate(scope: scope)
        }
        await sandboxes.stop()
        if let pool {
            // The queues' keys, and the tag sets invalidation leaves to expire, of this test's users.
            let patterns = ["\(queuePrefix):*"] + [alice, bob, carol].map { "atrium:cache:v1:{\(Self.tenant):c:\($0.uuidString.lowercased())}*" }
            for pattern in patterns {
                if let keys = try? await pool.send("KEYS", pattern).decode(as: [String].self), !keys.isEmpty {
                    _ = try? await pool.send(RedisCommand("DEL", arguments: keys))
                }
            }
            await pool.close()
        }
    }

    /// Runs `body` with a started harness and a router test client, stopping everything afterwards.
    static func with(
        _ backend: Backend = .memory,
        _ body: @Sendable (PortalHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let harness = try await start(backend)
        do {
            let app = Application(router: harness.router())
            try await app.test(.router) { client in try await body(harness, client) }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}

extension TestClientProtocol {
    /// One request as `user` (none: anonymous), with an optional JSON body.
    func call(
        _ method: HTTPRequest.Method, _ path: String, as user: UUID?, staff: Bool = false, json: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let user { headers[PortalHarness.userHeader] = user.uuidString }
        if staff { headers[PortalHarness.kindHeader] = "staff" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    /// The body decoded as `T` (dates as ISO-8601).
    func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(body.readableBytesView))
    }

    var text: String { String(buffer: body) }
    var xCache: String? { headers[.xCache] }
}

/// The fields of a problem body tests compare.
struct PortalProblemBody: Decodable, Equatable {
    let type: String
    let title: String
    let status: Int
    let detail: String?
}
