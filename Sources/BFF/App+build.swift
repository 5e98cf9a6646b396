import AsyncHTTPClient
public import Foundation
import Domain
public import Hummingbird
public import Logging
import NIOSSL
public import PostgresNIO
import Providers
import RedisClient
import Sandbox
import ServiceLifecycle

/// The request context of every route. Later areas (portal, admin) derive child contexts from it.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// Sorted keys, so a response body is byte-for-byte stable (diffable, cacheable, testable).
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// Builds the whole server from one configuration value: backends, services, router.
///
/// `main` only parses arguments and calls this; tests call it with in-memory or test-backend configurations.
public func buildApplication(config: AtriumConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let dependencies = try await Dependencies(config: config, logger: logger)
    let router = buildRouter(health: HealthController(checks: dependencies.checks))
    let checks = dependencies.checks
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port)),
        services: dependencies.services,
        onServerRunning: { channel in
            logger.info(
                "atrium listening",
                metadata: [
                    "address": "\(channel.localAddress?.ipAddress ?? config.host):\(channel.localAddress?.port ?? config.port)",
                    "mode": "\(config.isEmbeddedDefault ? "embedded" : "backends")",
                ]
            )
            // A first round trip to each dependency, so a wrong URL or password shows in the log at start,
            // not at the first request. The server keeps running either way: /ready reports it.
            let report = await HealthController<AppRequestContext>(checks: checks).report()
            for entry in report.checks {
                let metadata: Logger.Metadata = ["dependency": "\(entry.name)", "status": "\(entry.status.rawValue)", "backend": "\(entry.backend)", "detail": "\(entry.detail ?? "")"]
                if entry.required && entry.status != .up {
                    logger.error("dependency unreachable at start", metadata: metadata)
                } else {
                    logger.info("dependency checked", metadata: metadata)
                }
            }
        },
        logger: logger
    )
}

/// The router with Atrium's middleware and every route area.
public func buildRouter(health: HealthController<AppRequestContext>) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    // Middleware applies to routes added after it; unknown routes pass through it too.
    router.addMiddleware {
        RequestIDMiddleware()
        AccessLogMiddleware()
        ProblemMiddleware()
    }
    router.addRoutes(health.routes)
    return router
}

/// The backends a configuration names, the services that own them and the readiness checks over them.
struct Dependencies {
    var services: [any Service] = []
    var checks: [DependencyCheck] = []
    /// The read-through cache for upstream reads: Redis-backed (shared by every process) or in memory.
    /// The portal and admin routes that read through it arrive with their issues.
    let cache: Cache
    /// The provider adapters (sandbox or live); the portal and admin routes that call them arrive with their issues.
    let providers: ProviderRegistry

    init(config: AtriumConfig, logger: Logger) async throws {
        if let redis = config.redis {
            let pool = RedisPool(configuration: redis, logger: logger)
            services.append(RedisPoolService(pool: pool))
            checks.append(.redis(pool))
            cache = Cache(store: RedisCacheStore(pool: pool), policies: config.cachePolicies, logger: logger)
        } else {
            checks.append(.memory("redis"))
            cache = Cache(store: MemoryCacheStore(), policies: config.cachePolicies, logger: logger)
        }
        if let database = config.database {
            let client = PostgresClient(configuration: .init(database), backgroundLogger: logger)
            services.append(client)
            checks.append(.postgres(client))
        } else {
            checks.append(.memory("postgres"))
        }
        switch config.upstreams {
        case .sandbox:
            // The five sandbox upstreams run in this process on free loopback ports and stop with it.
            let sandboxes = try await SandboxUpstreams.start(logger: logger)
            services.append(SandboxUpstreamsService(sandboxes: sandboxes))
            providers = ProviderRegistry(sandboxes: sandboxes, logger: logger)
            for upstream in UpstreamID.allCases {
                checks.append(.upstream(UpstreamProbe(upstream: upstream, baseURL: sandboxes.baseURL(upstream)), backend: "sandbox"))
            }
        case .live(let live):
            providers = ProviderRegistry(live: live, logger: logger)
            for upstream in UpstreamID.allCases {
                if let settings = live[upstream] {
                    checks.append(.upstream(UpstreamProbe(upstream: upstream, baseURL: settings.baseURL)))
                } else {
                    checks.append(.notConfigured(upstream, detail: "no URL configured"))
                }
            }
        }
    }
}

/// Owns the in-process sandboxes' lifetime: they stop once the server has stopped.
struct SandboxUpstreamsService: Service {
    let sandboxes: SandboxUpstreams

    func run() async throws {
        try? await gracefulShutdown()
        await sandboxes.stop()
    }
}

/// Owns the Redis pool's lifetime: it closes the connections once the server has stopped.
struct RedisPoolService: Service {
    let pool: RedisPool

    func run() async throws {
        try? await gracefulShutdown()
        await pool.close()
    }
}

extension PostgresClient.Configuration {
    /// PostgresNIO settings for a parsed `DATABASE_URL`, with a 2 s connect timeout so a dead server shows quickly.
    public init(_ database: DatabaseConfiguration) {
        let tls: PostgresClient.Configuration.TLS =
            switch database.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        self.init(
            host: database.host,
            port: database.port,
            username: database.username,
            password: database.password,
            database: database.database,
            tls: tls
        )
        self.options.connectTimeout = .seconds(2)
    }
}
