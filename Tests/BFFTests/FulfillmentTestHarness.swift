import BFF
import Domain
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import Providers
import Queue
import RedisClient
import Sandbox
import TestSupport

/// The fulfillment saga over real sandbox upstreams (HTTP), a real Redis queue with real workers, and a store.
///
/// Customers: alice and bob (Stripe, with CRM and SIM accounts) and carol (linked to nothing). Orders are made as
/// the orders API makes them (in the CRM, then `draft` → `pending_approval`) and approved through
/// ``OrderApproval``, which enqueues the saga's job.
final class FulfillmentHarness: Sendable {
    /// Where orders live: memory, or a fresh PostgreSQL schema (the final tests run on PostgreSQL).
    enum Backend { case memory, postgres }

    static let tenant = "demo"
    /// How long a test waits for an order or a job before failing (a deadline, never a timing assertion).
    static let patience: Duration = .seconds(60)
    /// Settings for tests: short waits, few compensation tries.
    static let fastSettings = FulfillmentSaga.Settings(pollInterval: .milliseconds(50), compensationAttempts: 3, compensationBackoff: .fixed(.milliseconds(20)))

    let sandboxes: SandboxUpstreams
    let services: JobServices
    let settings: FulfillmentSaga.Settings
    let pool: RedisPool
    let prefix: String
    let alice: UUID
    let bob: UUID
    let carol: UUID
    private let running = NIOLockedValueBox<[(worker: JobWorker, task: Task<Void, Never>)]>([])

    private init(
        sandboxes: SandboxUpstreams, services: JobServices, settings: FulfillmentSaga.Settings, pool: RedisPool, prefix: String, users: [UUID]
    ) {
        self.sandboxes = sandboxes
        self.services = services
        self.settings = settings
        self.pool = pool
        self.prefix = prefix
        self.alice = users[0]
        self.bob = users[1]
        self.carol = users[2]
    }

    /// Runs `body` with a started harness on `backend`, stopping workers and sandboxes and removing the test's
    /// Redis keys (and PostgreSQL schema) afterwards.
    static func with(
        _ backend: Backend = .memory,
        settings: FulfillmentSaga.Settings = fastSettings,
        simOperationDelay: Duration = .milliseconds(150),
        _ body: @Sendable (FulfillmentHarness) async throws -> Void
    ) async throws {
        switch backend {
        case .memory:
            try await run(store: .memory(), settings: settings, simOperationDelay: simOperationDelay, body)
        case .postgres:
            try await TestDatabase.withSchema { client, _ in
                try await run(
                    store: .postgres(client: client, logger: TestDatabase.logger), settings: settings, simOperationDelay: simOperationDelay, body
                )
            }
        }
    }

    private static func run(
        store: AtriumStore, settings: FulfillmentSaga.Settings, simOperationDelay: Duration, _ body: @Sendable (FulfillmentHarness) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test.fulfillment")
        logger.logLevel = .warning
        let sandboxes = try await SandboxUpstreams.start(simOperationDelay: simOperationDelay, logger: logger)
        let pool = try TestEnv.redisPool()
        let prefix = TestEnv.uniquePrefix("fulfillment")
        let services = JobServices(
            providers: ProviderRegistry(sandboxes: sandboxes, logger: logger), cache: Cache(store: MemoryCacheStore()), store: store,
            jobs: .redis(pool: pool, keyPrefix: prefix), orderEvents: MemoryOrderEventBus(), config: nil, logger: logger
        )
        var users: [UUID] = []
        do {
            for (name, links) in [
                ("alice", AccountLinks(billingProvider: "stripe", billingCustomerID: StripeSandbox.aliceCustomerID, crmAccountID: SalesforceSandbox.aliceAccountID, simAccountID: SIMSandbox.aliceAccountID)),
                ("bob", AccountLinks(billingProvider: "stripe", billingCustomerID: StripeSandbox.bobCustomerID, crmAccountID: SalesforceSandbox.bobAccountID, simAccountID: SIMSandbox.bobAccountID)),
                ("carol", AccountLinks()),
            ] {
                let record = UserRecord(
                    tenant: tenant, email: "\(name)-\(UUID().uuidString.prefix(8))@fulfillment.atrium.test", passwordHash: "unused", kind: .customer,
                    roles: [.customer], displayName: name, links: links, createdAt: Date()
                )
                try await store.users.create(record)
                users.append(record.id)
            }
        } catch {
            await sandboxes.stop()
            await pool.close()
            throw error
        }
        let harness = FulfillmentHarness(sandboxes: sandboxes, services: services, settings: settings, pool: pool, prefix: prefix, users: users)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    private func stop() async {
        await stopWorkers()
        await sandboxes.stop()
        if let keys = try? await pool.send("KEYS", "\(prefix):*").decode(as: [String].self), !keys.isEmpty {
            _ = try? await pool.send(RedisCommand("DEL", arguments: keys))
        }
        await pool.close()
    }

    // MARK: Queues and workers

    var fulfillmentQueue: any JobQueueDriver {
        get throws {
            guard let queue = services.jobs[FulfillmentJob.queue] else { throw HarnessError("no fulfillment queue") }
            return queue
        }
    }

    /// Starts a worker on the `fulfillment` queue (the saga) and one on `notifications`, as ProductJobs would.
    @discardableResult
    func startWorkers() throws -> JobWorker {
        var started: [(JobWorker, Task<Void, Never>)] = []
        for name in [FulfillmentJob.queue, OrderNotificationJob.queue] {
            let worker = JobWorker(
                queue: RedisJobQueue(pool: pool, name: try QueueName(name), keyPrefix: prefix),
                configuration: .init(concurrency: 4, lease: .seconds(10), maxIdlePoll: .milliseconds(20)),
                logger: services.logger
            )
            if name == FulfillmentJob.queue {
                worker.register(FulfillmentJob.name, handler: FulfillmentSaga.handler(services: services, settings: settings))
            } else {
                worker.register(OrderNotificationJob.name, handler: OrderNotificationJob.handler(services: services))
            }
            started.append((worker, Task { await worker.run() }))
        }
        running.withLockedValue { $0 += started }
        return started[0].0
    }

    /// Stops every worker now: running handlers are cancelled and their jobs released, as a stopping process does.
    func stopWorkers() async {
        let all = running.withLockedValue { list in
            defer { list.removeAll() }
            return list
        }
        for entry in all { await entry.worker.shutdown(deadline: .zero) }
        for entry in all { await entry.task.value }
    }

    // MARK: Orders

    /// An order line of the CRM catalog (SKU = Salesforce product code), priced in EUR.
    static func item(_ sku: String, kind: ProductKind, quantity: Int = 1, cents: Int64) throws -> OrderItem {
        OrderItem(
            sku: try SKU(sku), name: sku, kind: kind, quantity: try Quantity(quantity),
            unitPrice: Money(minorUnits: cents, currency: try Currency("EUR"))
        )
    }

    /// Creates `items` as an order of `user` (in the CRM too, unless `crmAccountID` is nil) and approves it.
    @discardableResult
    func placeAndApprove(user: UUID, crmAccountID: String? = SalesforceSandbox.aliceAccountID, items: [OrderItem]) async throws -> UUID {
        let id = UUID()
        let now = Date()
        var crmOrderID: String?
        if let crmAccountID, let crm = services.providers.crm {
            let draft = try ExternalOrderDraft(accountID: crmAccountID, atriumOrderID: id.uuidString.lowercased(), items: items, effectiveDate: now)
            crmOrderID = try await crm.createOrder(draft).id
        }
        var total = Money(minorUnits: 0, currency: try Currency("EUR"))
        for item in items { total = try total.adding(try item.total()) }
        let order = Order(
            id: id, tenant: Self.tenant, userID: user, items: items, subtotal: total, tax: Money(minorUnits: 0, currency: total.currency),
            total: total, crmOrderID: crmOrderID, createdAt: now, updatedAt: now
        )
        let ledger = services.ledger
        _ = try await ledger.create(order, reason: "placed")
        try await ledger.transition(orderID: id, to: .pendingApproval, step: "crm", reason: "recorded in the CRM")
        _ = try await OrderApproval(ledger: ledger, jobs: services.jobs).approve(orderID: id, source: "staff", reason: "test")
        return id
    }

    func order(_ id: UUID) async throws -> Order {
        guard let order = try await services.store.orders.order(id: id) else { throw HarnessError("no order \(id)") }
        return order
    }

    func timeline(_ id: UUID) async throws -> [OrderTimelineEntry] { try await services.store.orders.timeline(orderID: id, afterSeq: 0) }

    func steps(_ id: UUID) async throws -> [String: SagaStepRecord] {
        Dictionary(try await services.store.orders.sagaSteps(orderID: id).map { ($0.step, $0) }, uniquingKeysWith: { $1 })
    }

    /// Waits until `condition` holds for the order; fails after ``patience`` with the order's last state.
    @discardableResult
    func waitForOrder(_ id: UUID, _ what: String, until condition: (Order) -> Bool) async throws -> Order {
        let deadline = ContinuousClock.now + Self.patience
        while true {
            let current = try await order(id)
            if condition(current) { return current }
            guard ContinuousClock.now < deadline else {
                throw HarnessError("order never got \(what): \(current.status.rawValue), saga \(current.saga.rawValue), \(current.failureReason ?? "-")")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Waits until the order's saga step `step` has a record satisfying `condition`.
    func waitForStep(_ id: UUID, _ step: String, until condition: (SagaStepRecord) -> Bool) async throws {
        let deadline = ContinuousClock.now + Self.patience
        while try await steps(id)[step].map(condition) != true {
            guard ContinuousClock.now < deadline else { throw HarnessError("step \(step) never got there") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits until the job `id` of the fulfillment queue is in `state`.
    @discardableResult
    func waitForJob(_ id: String, in state: JobState) async throws -> Job {
        let deadline = ContinuousClock.now + Self.patience
        while true {
            let job = try await fulfillmentQueue.job(id: id)
            if let job, job.state == state { return job }
            guard ContinuousClock.now < deadline else { throw HarnessError("job \(id) never got \(state): \(job?.state.rawValue ?? "absent")") }
            try await Task.sleep(for: .milliseconds(25))
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension [OrderTimelineEntry] {
    /// The position of the first entry of `step` with `outcome`, nil when there is none.
    func index(of step: String, _ outcome: TimelineOutcome) -> Int? { firstIndex { $0.step == step && $0.outcome == outcome } }

    /// Whether the timeline has an entry of `step` with `outcome`.
    func has(_ step: String, _ outcome: TimelineOutcome) -> Bool { index(of: step, outcome) != nil }

    /// The statuses the order moved through, in order.
    var transitions: [OrderStatus] { filter { $0.outcome == .transitioned }.map(\.status) }
}
