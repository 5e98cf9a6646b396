public import Logging
public import Queue
public import RedisClient
import Sandbox
import ServiceLifecycle
import UnixSignals

/// Queue names of PRODUCT.md.
public let productQueueNames = ["fulfillment", "webhooks", "sync", "notifications", "maintenance"]

/// Runs `atrium worker`: one ``JobWorker`` per queue against Redis, stopped gracefully on SIGTERM/SIGINT.
///
/// Handlers registered here: the smoke job (every queue). Order fulfillment, webhook processing, supplier
/// sync and notifications register theirs as those features arrive.
public func runWorkers(
    redis: RedisConfiguration,
    queues: [QueueName],
    concurrency: Int,
    lease: Duration,
    keyPrefix: String,
    shutdownDeadline: Duration = .seconds(25),
    config: AtriumConfig? = nil,
    logger: Logger
) async throws {
    let pool = RedisPool(configuration: redis, logger: logger)
    // The product jobs call the upstreams and invalidate the shared cache; without a configuration (queue tests)
    // only the smoke job is served.
    var upstreams: (providers: ProviderRegistry, sandboxes: SandboxUpstreams?)?
    if let config {
        switch config.upstreams {
        case .live(let live):
            upstreams = (ProviderRegistry(live: live, logger: logger), nil)
        case .sandbox:
            // A worker process in sandbox mode has sandboxes of its own; to share one set between `serve` and
            // `worker` processes, run `atrium sandbox` and point both at it with ATRIUM_UPSTREAMS=live.
            let sandboxes = try await SandboxUpstreams.start(logger: logger)
            upstreams = (ProviderRegistry(sandboxes: sandboxes, logger: logger), sandboxes)
        }
    }
    let cache = Cache(store: RedisCacheStore(pool: pool), policies: config?.cachePolicies ?? CachePolicies(), logger: logger)
    let workers = queues.map { name in
        let worker = JobWorker(
            queue: RedisJobQueue(pool: pool, name: name, keyPrefix: keyPrefix),
            configuration: .init(concurrency: concurrency, lease: lease),
            logger: logger
        )
        worker.register(SmokeJob.name, handler: SmokeJob.handler(pool: pool, prefix: keyPrefix))
        if let upstreams {
            ProductJobs.register(on: worker, queue: name.rawValue, providers: upstreams.providers, cache: cache, logger: logger)
        }
        return worker
    }
    logger.info("atrium worker started", metadata: ["queues": "\(queues.map(\.rawValue))", "concurrency": "\(concurrency)", "redis": "\(redis)"])
    let group = ServiceGroup(
        configuration: .init(
            // Shut down in reverse order: the workers drain and release their jobs before the pool closes.
            services: [RedisPoolService(pool: pool)] + workers.map { WorkerService(worker: $0, deadline: shutdownDeadline) },
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
