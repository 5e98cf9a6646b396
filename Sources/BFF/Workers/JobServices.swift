public import Logging
public import Queue

/// What product job handlers are built from, in `atrium worker` processes and in the embedded default's
/// in-process workers alike.
public struct JobServices: Sendable {
    public let providers: ProviderRegistry
    public let cache: Cache
    public let store: AtriumStore
    public let jobs: JobQueues
    public let orderEvents: any OrderEventBus
    /// Webhook signing secrets and the like; nil in queue-only workers.
    public let config: AtriumConfig?
    public let clock: AppClock
    public let logger: Logger

    public init(
        providers: ProviderRegistry, cache: Cache, store: AtriumStore, jobs: JobQueues, orderEvents: any OrderEventBus,
        config: AtriumConfig?, clock: AppClock = .system, logger: Logger
    ) {
        self.providers = providers
        self.cache = cache
        self.store = store
        self.jobs = jobs
        self.orderEvents = orderEvents
        self.config = config
        self.clock = clock
        self.logger = logger
    }

    public var ledger: OrderLedger { OrderLedger(orders: store.orders, events: orderEvents, clock: clock, logger: logger) }
}
