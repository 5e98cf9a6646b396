import Domain
import Foundation
public import Logging
public import PostgresNIO
import Queue
public import RedisClient
import Sandbox

/// `atrium bench orders`: places N SIM orders as one customer, approves them all at once, and measures the time
/// from each order's approval to its `fulfilled` entry on the timeline, with in-process workers.
///
/// The sandbox upstreams run in this process on loopback with no added latency (SIM operations finish as soon as
/// they are polled); with `--redis` and `--database` the queue, cache, event bus and store are the real ones,
/// otherwise memory. Placement is not timed. The orders and the customer are deleted from PostgreSQL afterwards,
/// the queues' keys from Redis.
public enum OrderFulfillmentBench {
    struct Figures: Encodable {
        let orders: Int
        let fulfilled: Int
        let failed: Int
        let concurrency: Int
        let backend: String
        let approval_to_fulfilled_p50_ms: Double
        let approval_to_fulfilled_p99_ms: Double
        let approval_to_fulfilled_max_ms: Double
        /// From the first approval to the last order fulfilled.
        let wall_ms: Double
        let orders_per_s: Double
    }

    public static func run(
        orders: Int, concurrency: Int, redis: RedisConfiguration?, database: DatabaseConfiguration?, logger: Logger
    ) async throws -> String {
        let orders = max(1, orders)
        let sandboxes = try await SandboxUpstreams.start(simOperationDelay: .zero, simPoolSize: min(999, orders + 10), logger: logger)
        defer { Task { await sandboxes.stop() } }
        let providers = ProviderRegistry(sandboxes: sandboxes, logger: logger)
        guard let redis, let database else {
            let services = AppServices(
                config: AtriumConfig(), store: .memory(), cache: Cache(store: MemoryCacheStore(), logger: logger), providers: providers,
                jobs: .memory(), redis: nil, jwtSecret: Secret(String(repeating: "b", count: 48)), passwordPepper: Secret(String(repeating: "p", count: 32)), logger: logger
            )
            return try await measure(services: services, orders: orders, concurrency: concurrency, backend: "memory")
        }
        _ = try await migrateDatabase(database, logger: logger)
        let client = PostgresClient(configuration: .init(database), backgroundLogger: logger)
        let pool = RedisPool(configuration: redis, logger: logger)
        let prefix = "atrium-bench-orders-\(UUID().uuidString.prefix(8).lowercased())"
        return try await withRunning(client) { client in
            let services = AppServices(
                config: AtriumConfig(), store: .postgres(client: client, logger: logger),
                cache: Cache(store: RedisCacheStore(pool: pool), logger: logger), providers: providers,
                jobs: .redis(pool: pool, keyPrefix: prefix), redis: pool, jwtSecret: Secret(String(repeating: "b", count: 48)), passwordPepper: Secret(String(repeating: "p", count: 32)),
                logger: logger, orderEvents: RedisOrderEventBus(pool: pool, configuration: redis, keyPrefix: prefix, logger: logger)
            )
            let line = try await measure(services: services, orders: orders, concurrency: concurrency, backend: "redis+postgres") { user in
                try await client.query("DELETE FROM orders WHERE user_id = \(user)")
                try await client.query("DELETE FROM users WHERE id = \(user)")
            }
            if let keys = try? await pool.send("KEYS", "\(prefix)*").decode(as: [String].self), !keys.isEmpty {
                _ = try? await pool.send(RedisCommand("DEL", arguments: keys))
            }
            await pool.close()
            return line
        }
    }

    private static func measure(
        services: AppServices, orders: Int, concurrency: Int, backend: String, cleanup: @Sendable (UUID) async throws -> Void = { _ in }
    ) async throws -> String {
        let user = UserRecord(
            tenant: "bench", email: "bench-\(UUID().uuidString.prefix(8).lowercased())@bench.atrium.test", passwordHash: "unused",
            kind: .customer, roles: [.customer],
            links: AccountLinks(
                billingProvider: "stripe", billingCustomerID: StripeSandbox.aliceCustomerID, crmAccountID: SalesforceSandbox.aliceAccountID,
                simAccountID: SIMSandbox.aliceAccountID
            ),
            createdAt: Date()
        )
        try await services.store.users.create(user)
        let customer = CustomerIdentity(userID: user.id, tenant: user.tenant, family: nil)
        do {
            let ids = try await place(orders, as: customer, services: services)
            let figures = try await fulfil(ids, services: services, concurrency: concurrency, backend: backend)
            try await cleanup(user.id)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(figures), as: UTF8.self)
        } catch {
            try? await cleanup(user.id)
            throw error
        }
    }

    /// Places the orders, 16 at a time (not timed).
    private static func place(_ count: Int, as customer: CustomerIdentity, services: AppServices) async throws -> [UUID] {
        let placement = OrderPlacement(services: services)
        let request = PlaceOrderRequestDTO(items: [PlaceOrderItemDTO(sku: "SIM-5GB", quantity: 1)])
        var ids: [UUID] = []
        var next = 0
        while next < count {
            let batch = min(16, count - next)
            try await withThrowingTaskGroup(of: UUID.self) { group in
                for _ in 0..<batch {
                    group.addTask { try await placement.place(request, customer: customer, logger: services.logger).0.id }
                }
                for try await id in group { ids.append(id) }
            }
            next += batch
        }
        return ids
    }

    private static func fulfil(_ ids: [UUID], services: AppServices, concurrency: Int, backend: String) async throws -> Figures {
        var workers: [JobWorker] = []
        for name in [FulfillmentJob.queue, "notifications"] {
            guard let queue = services.jobs[name] else { continue }
            let worker = JobWorker(queue: queue, configuration: .init(concurrency: max(1, concurrency)), logger: services.logger)
            ProductJobs.register(on: worker, queue: name, services: services.jobServices)
            workers.append(worker)
        }
        let running = workers.map { worker in Task { await worker.run() } }
        let approvals = services.approvals
        let started = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids { group.addTask { _ = try await approvals.approve(orderID: id, source: "bench") } }
            try await group.waitForAll()
        }
        var finished: [Order] = []
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline {
            finished = []
            for id in ids {
                if let order = try await services.store.orders.order(id: id), [.fulfilled, .failed].contains(order.status) { finished.append(order) }
            }
            if finished.count == ids.count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let ended = Date()
        for worker in workers { await worker.shutdown(deadline: .seconds(5)) }
        for task in running { await task.value }

        var durations: [Double] = []
        for order in finished where order.status == .fulfilled {
            let timeline = try await services.store.orders.timeline(orderID: order.id, afterSeq: 0)
            guard let approved = timeline.first(where: { $0.status == .approved && $0.outcome == .transitioned }),
                let done = timeline.first(where: { $0.status == .fulfilled && $0.outcome == .transitioned })
            else { continue }
            durations.append(done.at.timeIntervalSince(approved.at) * 1000)
        }
        durations.sort()
        func percentile(_ p: Double) -> Double {
            guard !durations.isEmpty else { return 0 }
            return (durations[min(durations.count - 1, Int((Double(durations.count) * p).rounded(.up)) - 1)] * 10).rounded() / 10
        }
        let lastDone = finished.map(\.updatedAt).max() ?? ended
        let wall = max(0, lastDone.timeIntervalSince(started)) * 1000
        return Figures(
            orders: ids.count, fulfilled: durations.count, failed: finished.filter { $0.status == .failed }.count, concurrency: concurrency,
            backend: backend, approval_to_fulfilled_p50_ms: percentile(0.5), approval_to_fulfilled_p99_ms: percentile(0.99),
            approval_to_fulfilled_max_ms: percentile(1.0), wall_ms: (wall * 10).rounded() / 10,
            orders_per_s: wall > 0 ? (Double(durations.count) / (wall / 1000) * 10).rounded() / 10 : 0
        )
    }
}
