public import Logging
public import Queue
public import RedisClient
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
    logger: Logger
) async throws {
    let pool = RedisPool(configuration: redis, logger: logger)
    let workers = queues.map { name in
        let worker = JobWorker(
            queue: RedisJobQueue(pool: pool, name: name, keyPrefix: keyPrefix),
            configuration: .init(concurrency: concurrency, lease: lease),
            logger: logger
        )
        worker.register(SmokeJob.name, handler: SmokeJob.handler(pool: pool, prefix: keyPrefix))
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
    try await group.run()
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
