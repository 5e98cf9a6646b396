public import Foundation
public import Logging
public import Queue
public import RedisClient

/// The clock every time-dependent rule reads (token expiry, lockout, idempotency ttl), so tests can move time.
public struct AppClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let system = AppClock { Date() }
}

/// The job queues of PRODUCT.md, on Redis (shared with `atrium worker` processes) or in memory (embedded default,
/// with in-process workers).
public struct JobQueues: Sendable {
    private let queues: [String: any JobQueueDriver]

    public init(queues: [String: any JobQueueDriver]) { self.queues = queues }

    /// In-memory queues, one per product queue name.
    public static func memory() -> JobQueues {
        var queues: [String: any JobQueueDriver] = [:]
        for name in productQueueNames {
            if let queueName = try? QueueName(name) { queues[name] = MemoryJobQueue(name: queueName) }
        }
        return JobQueues(queues: queues)
    }

    /// Redis queues under `keyPrefix` (the `atrium worker` default is `atrium`).
    public static func redis(pool: RedisPool, keyPrefix: String = "atrium") -> JobQueues {
        var queues: [String: any JobQueueDriver] = [:]
        for name in productQueueNames {
            if let queueName = try? QueueName(name) { queues[name] = RedisJobQueue(pool: pool, name: queueName, keyPrefix: keyPrefix) }
        }
        return JobQueues(queues: queues)
    }

    /// The queue named `name` (one of ``productQueueNames``).
    public subscript(_ name: String) -> (any JobQueueDriver)? { queues[name] }

    public var all: [(name: String, queue: any JobQueueDriver)] { queues.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
}

/// What every controller and middleware is built from: one value per running server.
///
/// Secrets are resolved here: configured ones, or (embedded default only) random ones generated at start.
public struct AppServices: Sendable {
    public let config: AtriumConfig
    public let store: AtriumStore
    public let cache: Cache
    public let providers: ProviderRegistry
    public let jobs: JobQueues
    /// nil with the memory backends; rate limits and refresh-token families then live in process memory.
    public let redis: RedisPool?
    public let jwtSecret: Secret
    public let passwordPepper: Secret
    public let clock: AppClock
    public let logger: Logger
    /// Live order timeline fan-out (Redis pub/sub across processes, or in memory).
    public let orderEvents: any OrderEventBus
    /// This process's Prometheus families (`GET /metrics`); the cache, providers and workers built with these
    /// services report into the same value.
    public let metrics: AppMetrics
    /// Recent upstream calls per provider for `GET /admin/providers` (nil: the route shows circuit snapshots only).
    public let providerStats: AdminProviderStats?

    public init(
        config: AtriumConfig,
        store: AtriumStore,
        cache: Cache,
        providers: ProviderRegistry,
        jobs: JobQueues,
        redis: RedisPool?,
        jwtSecret: Secret,
        passwordPepper: Secret,
        clock: AppClock = .system,
        logger: Logger,
        orderEvents: any OrderEventBus = MemoryOrderEventBus(),
        metrics: AppMetrics = AppMetrics(),
        providerStats: AdminProviderStats? = nil
    ) {
        self.config = config
        self.store = store
        self.cache = cache
        self.providers = providers
        self.jobs = jobs
        self.redis = redis
        self.jwtSecret = jwtSecret
        self.passwordPepper = passwordPepper
        self.clock = clock
        self.logger = logger
        self.orderEvents = orderEvents
        self.metrics = metrics
        self.providerStats = providerStats
    }

    public var ledger: OrderLedger { OrderLedger(orders: store.orders, events: orderEvents, clock: clock, logger: logger) }
    public var approvals: OrderApproval { OrderApproval(ledger: ledger, jobs: jobs) }

    /// What job handlers running in this process (the embedded default's workers) are built from.
    public var jobServices: JobServices {
        JobServices(
            providers: providers, cache: cache, store: store, jobs: jobs, orderEvents: orderEvents, config: config, clock: clock, logger: logger
        )
    }
}
