public import Domain
public import Foundation
public import Logging
public import RedisClient

// PLACEHOLDER (orders API helper): replace with the real Redis pub/sub fan-out (one shared subscription per
/// process, fanning out to local listeners).
/// The bus across processes: entries are published on Redis and every BFF process delivers them to its listeners.
public final class RedisOrderEventBus: OrderEventBus {
    let pool: RedisPool
    let configuration: RedisConfiguration
    let keyPrefix: String
    let logger: Logger
    private let local = MemoryOrderEventBus()

    public init(pool: RedisPool, configuration: RedisConfiguration, keyPrefix: String = "atrium", logger: Logger) {
        self.pool = pool
        self.configuration = configuration
        self.keyPrefix = keyPrefix
        self.logger = logger
    }

    public func publish(_ entry: OrderTimelineEntry) async { await local.publish(entry) }

    public func subscribe(orderID: UUID) async throws -> AsyncStream<OrderTimelineEntry> { try await local.subscribe(orderID: orderID) }
}
