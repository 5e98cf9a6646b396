import ArgumentParser
import BFF
import Foundation
import Logging
import RedisClient

/// `atrium bench orders`: time from approval to fulfilled for N concurrent orders; one JSON line.
struct BenchOrders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Approve N SIM orders at once and time approval → fulfilled with in-process workers; prints one JSON line.",
        discussion: """
            The sandbox upstreams run in-process with no added latency. With --redis and --database (default: \
            REDIS_URL and DATABASE_URL) the queue, cache, event bus and store are real; with neither, memory. \
            Orders are placed first (not timed), then all approved at once.
            """
    )

    @Option(help: "Orders.") var orders: Int = 100
    @Option(help: "Worker slots on the fulfillment queue.") var concurrency: Int = 32
    @Option(help: "Redis URL (default: REDIS_URL).") var redis: String?
    @Option(help: "PostgreSQL URL (default: DATABASE_URL).") var database: String?

    func validate() throws {
        guard (1...900).contains(orders) else { throw ValidationError("--orders must be 1…900 (the SIM pool holds 999 cards)") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be 1…1024") }
    }

    func run() async throws {
        var logger = Logger(label: "atrium.bench.orders")
        logger.logLevel = .error
        let environment = ProcessInfo.processInfo.environment
        let redisURL = redis ?? environment["REDIS_URL"]
        let databaseURL = database ?? environment["DATABASE_URL"]
        guard (redisURL == nil) == (databaseURL == nil) else {
            throw ValidationError("give both Redis and PostgreSQL (--redis/--database or REDIS_URL/DATABASE_URL), or neither")
        }
        print(
            try await OrderFulfillmentBench.run(
                orders: orders, concurrency: concurrency, redis: try redisURL.map { try RedisConfiguration(url: $0) },
                database: try databaseURL.map { try DatabaseConfiguration(url: $0) }, logger: logger
            )
        )
    }
}
