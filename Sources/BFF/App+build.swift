import AsyncHTTPClient
public import Foundation
import Domain
public import Hummingbird
public import Logging
import NIOSSL
public import PostgresNIO
import Providers
import Queue
import RedisClient
import Sandbox
public import ServiceLifecycle

/// Builds the whole server from one configuration value: backends, services, router.
///
/// `main` only parses arguments and calls this; tests call it with in-memory or test-backend configurations.
///
/// - Parameter observability: Services to run first and stop last (the tracer's exporter, ``AtriumConfig/bootstrapTracing(role:logger:)``).
public func buildApplication(
    config: AtriumConfig, logger: Logger, clock: AppClock = .system, observability: [any Service] = []
) async throws -> some ApplicationProtocol {
    let dependencies = try await Dependencies(config: config, logger: logger, clock: clock)
    if config.database == nil {
        // PRODUCT.md: the demo accounts exist only in the memory store, never when DATABASE_URL is set.
        try await DemoAccounts.seed(into: dependencies.services.store, pepper: dependencies.services.passwordPepper, now: clock.now(), logger: logger)
    }
    let router = buildRouter(services: dependencies.services, health: HealthController(checks: dependencies.checks))
    let checks = dependencies.checks
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(config.idleTimeoutSeconds)))),
        configuration: .init(address: .hostname(config.host, port: config.port)),
        services: observability + dependencies.lifecycle,
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

/// The router with Atrium's middleware and the health routes only (tests of the edge behaviour).
public func buildRouter(health: HealthController<AppRequestContext>) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.addMiddleware {
        RequestIDMiddleware()
        AccessLogMiddleware()
        ProblemMiddleware()
    }
    router.addRoutes(health.routes)
    return router
}

/// The router with Atrium's middleware and every route area.
///
/// Middleware order matters: request id and problem rendering wrap everything; the edge (security headers, CORS,
/// body limit) answers preflights before authentication; authentication sets the identity that rate limits and
/// idempotency keys are scoped by. Middleware applies only to routes added after it.
public func buildRouter(services: AppServices, health: HealthController<AppRequestContext>) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.addMiddleware {
        RequestIDMiddleware()
        // A server span per request, named by its route template, a child of an incoming `traceparent`; everything
        // inside (logs, upstream calls, enqueued jobs) joins its trace.
        TracingMiddleware()
        AccessLogMiddleware()
        HTTPMetricsMiddleware(metrics: services.metrics)
        ProblemMiddleware()
        EdgeMiddleware(services: services)
        AuthenticationMiddleware(services: services)
        RateLimitMiddleware(services: services)
        IdempotencyMiddleware(services: services)
    }
    router.addRoutes(health.routes)
    MetricsRoutes.add(to: router, services: services)
    let api = router.group("api/v1")
    AuthRoutes.add(to: api, services: services)
    PortalRoutes.add(to: api, services: services)
    OrderRoutes.add(to: api, services: services)
    AdminRoutes.add(to: api, services: services)
    WebhookRoutes.add(to: router, services: services)
    ContractRoutes.add(to: router, services: services)
    return router
}

/// The backends a configuration names, the services that own them and the readiness checks over them.
struct Dependencies {
    var lifecycle: [any Service] = []
    var checks: [DependencyCheck] = []
    let services: AppServices
    /// The in-process sandboxes (sandbox mode only).
    var sandboxes: SandboxUpstreams?

    init(config: AtriumConfig, logger: Logger, clock: AppClock) async throws {
        let metrics = AppMetrics()
        let cacheObserver = CacheMetricsObserver(metrics: metrics)
        let providerStats = AdminProviderStats()
        let transportObserver = TransportObservers([TransportMetricsObserver(metrics: metrics), providerStats])
        let cache: Cache
        let redisPool: RedisPool?
        let jobs: JobQueues
        let orderEvents: any OrderEventBus
        if let redis = config.redis {
            let pool = RedisPool(configuration: redis, logger: logger)
            lifecycle.append(RedisPoolService(pool: pool))
            checks.append(.redis(pool))
            cache = Cache(store: RedisCacheStore(pool: pool), policies: config.cachePolicies, observer: cacheObserver, logger: logger)
            jobs = .redis(pool: pool)
            redisPool = pool
            orderEvents = RedisOrderEventBus(pool: pool, configuration: redis, logger: logger)
        } else {
            checks.append(.memory("redis"))
            cache = Cache(store: MemoryCacheStore(), policies: config.cachePolicies, observer: cacheObserver, logger: logger)
            jobs = .memory()
            redisPool = nil
            orderEvents = MemoryOrderEventBus()
        }
        let store: AtriumStore
        if let database = config.database {
            let client = PostgresClient(configuration: .init(database), backgroundLogger: logger)
            lifecycle.append(client)
            checks.append(.postgres(client))
            store = AtriumStore.postgres(client: client, logger: logger)
        } else {
            checks.append(.memory("postgres"))
            store = .memory()
        }
        let providers: ProviderRegistry
        switch config.upstreams {
        case .sandbox:
            // The five sandbox upstreams run in this process on free loopback ports and stop with it.
            // Their webhooks go to this server's receivers (with port 0 the address is known only later; tests that
            // bind port 0 point the sandboxes' controls at the server themselves).
            let receiverHost = ["0.0.0.0", "::", ""].contains(config.host) ? "127.0.0.1" : config.host
            let sandboxes = try await SandboxUpstreams.start(
                webhookBaseURL: config.port == 0 ? nil : "http://\(receiverHost):\(config.port)/webhooks", logger: logger
            )
            self.sandboxes = sandboxes
            lifecycle.append(SandboxUpstreamsService(sandboxes: sandboxes))
            providers = ProviderRegistry(sandboxes: sandboxes, logger: logger, observer: transportObserver)
            for upstream in UpstreamID.allCases {
                checks.append(.upstream(UpstreamProbe(upstream: upstream, baseURL: sandboxes.baseURL(upstream)), backend: "sandbox"))
            }
        case .live(let live):
            providers = ProviderRegistry(live: live, logger: logger, observer: transportObserver)
            for upstream in UpstreamID.allCases {
                if let settings = live[upstream] {
                    checks.append(.upstream(UpstreamProbe(upstream: upstream, baseURL: settings.baseURL)))
                } else {
                    checks.append(.notConfigured(upstream, detail: "no URL configured"))
                }
            }
        }
        // Configuration refuses to start without both secrets once DATABASE_URL is set; only the embedded
        // default generates them (accounts and tokens then live no longer than the process).
        services = AppServices(
            config: config,
            store: store,
            cache: cache,
            providers: providers,
            jobs: jobs,
            redis: redisPool,
            jwtSecret: config.jwtSecret ?? Secret(SecretGenerator.random(bytes: 48)),
            passwordPepper: config.passwordPepper ?? Secret(SecretGenerator.random(bytes: 32)),
            clock: clock,
            logger: logger,
            orderEvents: orderEvents,
            metrics: metrics,
            providerStats: providerStats
        )
        if redisPool == nil {
            // Without Redis no `atrium worker` process can reach the queues: the embedded default runs its workers here.
            for (name, queue) in jobs.all {
                let worker = JobWorker(
                    queue: queue, configuration: .init(concurrency: 4), observer: QueueMetricsObserver(metrics: metrics), logger: logger
                )
                ProductJobs.register(on: worker, queue: name, services: services.jobServices)
                lifecycle.append(WorkerService(worker: worker, deadline: .seconds(10)))
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
    ///
    /// Every connection starts with `statement_timeout` 5 s and `lock_timeout` 2 s (startup parameters, so they
    /// hold before the first query and after any `RESET`): no query or row lock can hang a request. A transaction
    /// left idle for 30 s is ended by the server, so a stuck caller cannot hold row locks either.
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
        self.options.additionalStartupParameters = [
            ("statement_timeout", "5s"),
            ("lock_timeout", "2s"),
            ("idle_in_transaction_session_timeout", "30s"),
            ("application_name", "atrium"),
        ]
    }
}
