public import Logging
import PostgresNIO
public import Queue
public import RedisClient
import Sandbox
public import ServiceLifecycle
import UnixSignals

/// Queue names of PRODUCT.md.
public let productQueueNames = ["fulfillment", "webhooks", "sync", "notifications", "maintenance"]

/// Runs `atrium worker`: one ``JobWorker`` per queue against Redis, stopped gracefully on SIGTERM/SIGINT.
///
/// Handlers registered here: the smoke job (every queue) and, with a configuration, the product jobs
/// (``ProductJobs``).
public func runWorkers(
    redis: RedisConfiguration,
    queues: [QueueName],
    concurrency: Int,
    lease: Duration,
    keyPrefix: String,
    shutdownDeadline: Duration = .seconds(25),
    config: AtriumConfig? = nil,
    observability: [any Service] = [],
    metricsListener: (host: String, port: Int)? = nil,
    logger: Logger
) async throws {
    // This process's runs, upstream calls and cache lookups; served on `metricsListener` when one is given.
    let metrics = AppMetrics()
    let transportObserver = TransportMetricsObserver(metrics: metrics)
    let pool = RedisPool(configuration: redis, logger: logger)
    // The product jobs call the upstreams and invalidate the shared cache; without a configuration (queue tests)
    // only the smoke job is served.
    var upstreams: (providers: ProviderRegistry, sandboxes: SandboxUpstreams?)?
    if let config {
        switch config.upstreams {
        case .live(let live):
            upstreams = (ProviderRegistry(live: live, logger: logger, observer: transportObserver), nil)
        case .sandbox:
            // A worker process in sandbox mode has sandboxes of its own; to share one set between `serve` and
            // `worker` processes, run `atrium sandbox` and point both at it with ATRIUM_UPSTREAMS=live.
            let sandboxes = try await SandboxUpstreams.start(logger: logger)
            upstreams = (ProviderRegistry(sandboxes: sandboxes, logger: logger, observer: transportObserver), sandboxes)
        }
    }
    let cache = Cache(
        store: RedisCacheStore(pool: pool), policies: config?.cachePolicies ?? CachePolicies(), observer: CacheMetricsObserver(metrics: metrics),
        logger: logger
    )
    // Order sagas and webhook processing keep their state in PostgreSQL; a worker without DATABASE_URL serves them
    // from a process-local memory store, which only makes sense for a single-process trial.
    var postgres: PostgresClient?
    let store: AtriumStore
    if let database = config?.database {
        let client = PostgresClient(configuration: .init(database), backgroundLogger: logger)
        postgres = client
        store = .postgres(client: client, logger: logger)
    } else {
        if config != nil { logger.warning("no DATABASE_URL: order and webhook jobs use a memory store of this process only") }
        store = .memory()
    }
    let jobServices: JobServices? = upstreams.map { upstreams in
        JobServices(
            providers: upstreams.providers, cache: cache, store: store, jobs: .redis(pool: pool, keyPrefix: keyPrefix),
            orderEvents: RedisOrderEventBus(pool: pool, configuration: redis, keyPrefix: keyPrefix, logger: logger),
            config: config, logger: logger
        )
    }
    let workers = queues.map { name in
        let worker = JobWorker(
            queue: RedisJobQueue(pool: pool, name: name, keyPrefix: keyPrefix),
            configuration: .init(concurrency: concurrency, lease: lease),
            observer: QueueMetricsObserver(metrics: metrics),
            logger: logger
        )
        worker.register(SmokeJob.name, handler: SmokeJob.handler(pool: pool, prefix: keyPrefix))
        if let jobServices {
            ProductJobs.register(on: worker, queue: name.rawValue, services: jobServices)
        }
        return worker
    }
    var metricsServer: [any Service] = []
    if let metricsListener {
        let queuesByName = Dictionary(uniqueKeysWithValues: queues.map { ($0.rawValue, RedisJobQueue(pool: pool, name: $0, keyPrefix: keyPrefix) as any JobQueueDriver) })
        metricsServer = [WorkerMetricsServer.application(metrics: metrics, queues: queuesByName, host: metricsListener.host, port: metricsListener.port, logger: logger)]
    }
    logger.info("atrium worker started", metadata: ["queues": "\(queues.map(\.rawValue))", "concurrency": "\(concurrency)", "redis": "\(redis)"])
    let group = ServiceGroup(
        configuration: .init(
            // Shut down in reverse order: the workers drain and release their jobs before the pool closes.
            // The tracer's exporter is first so that it stops last and flushes the workers' final spans.
            services: observability + [RedisPoolService(pool: pool)] + (postgres.map { [$0] } ?? []) + metricsServer
                + workers.map { WorkerService(worker: $0, deadline: shutdownDeadline) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
    )
    do {
        try await group.run()
    } catch {
        if let sandboxes = upstreams?.sandboxes { await sandboxes.stop() }
        throw error
    }
    if let sandboxes = upstreams?.sandboxes { await sandboxes.stop() }
    logger.info("atrium worker stopped")
}

/// One worker as a service: runs until graceful shutdown, then drains within the deadline.
struct WorkerService: Service {
    let worker: JobWorker
    let deadline: Duration

    func run() async throws {
        await withGracefulShutdownHandler {
            await worker.run()
        } onGracefulShutdown: {
            Task { await worker.shutdown(deadline: deadline) }
        }
    }
}
