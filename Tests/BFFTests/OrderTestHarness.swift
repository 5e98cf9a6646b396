import AsyncHTTPClient
@testable import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import Queue
import Sandbox
import ServiceLifecycle
import TestSupport
import Testing

/// The order routes over real sandbox upstreams (built on ``PortalHarness``: alice and bob linked to their demo
/// data, carol to nothing).
///
/// Requests carry real access tokens (``TokenService``) through the production middleware chain (request id,
/// problems, edge, authentication, rate limits with a high test limit, idempotency), so audiences, roles and
/// `Idempotency-Key` are exercised as in production.
final class OrderHarness: Sendable {
    static let tenant = PortalHarness.tenant
    /// Plenty for a test's requests: the limiter is not what these tests look at.
    static let rateLimit = (perSecond: 10_000, burst: 10_000)

    let portal: PortalHarness
    let services: AppServices
    let tokens: TokenService

    var alice: UUID { portal.alice }
    var bob: UUID { portal.bob }
    var carol: UUID { portal.carol }
    var sandboxes: SandboxUpstreams { portal.sandboxes }

    private init(portal: PortalHarness, services: AppServices) {
        self.portal = portal
        self.services = services
        self.tokens = TokenService(secret: services.jwtSecret, clock: services.clock)
    }

    /// Starts the sandboxes and services; `orderEvents` replaces the memory bus (a Redis bus for cross-process tests).
    static func start(_ backend: PortalHarness.Backend = .memory, orderEvents: (any OrderEventBus)? = nil) async throws -> OrderHarness {
        let portal = try await PortalHarness.start(backend)
        let base = portal.services
        var config = base.config
        config.apiRateLimit = rateLimit
        let services = AppServices(
            config: config, store: base.store, cache: base.cache, providers: base.providers, jobs: base.jobs, redis: base.redis,
            jwtSecret: base.jwtSecret, passwordPepper: base.passwordPepper, clock: base.clock, logger: base.logger,
            orderEvents: orderEvents ?? MemoryOrderEventBus()
        )
        return OrderHarness(portal: portal, services: services)
    }

    /// The same services with another event bus (a second "process" sharing the store).
    func services(withBus bus: any OrderEventBus) -> AppServices {
        AppServices(
            config: services.config, store: services.store, cache: services.cache, providers: services.providers, jobs: services.jobs,
            redis: services.redis, jwtSecret: services.jwtSecret, passwordPepper: services.passwordPepper, clock: services.clock,
            logger: services.logger, orderEvents: bus
        )
    }

    /// The production middleware chain with the order routes under `/api/v1`.
    func router(services: AppServices? = nil, keepAlive: Duration = OrderEventStream.defaultKeepAlive) -> Router<AppRequestContext> {
        let services = services ?? self.services
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            RequestIDMiddleware()
            AccessLogMiddleware()
            ProblemMiddleware()
            EdgeMiddleware(services: services)
            AuthenticationMiddleware(services: services)
            RateLimitMiddleware(services: services)
            IdempotencyMiddleware(services: services)
        }
        OrderRoutes.add(to: router.group("api/v1"), services: services, keepAlive: keepAlive)
        return router
    }

    func stop() async { await portal.stop() }

    /// Runs `body` with a started harness, stopping it afterwards.
    static func run(
        _ backend: PortalHarness.Backend = .memory,
        orderEvents: (any OrderEventBus)? = nil,
        _ body: @Sendable (OrderHarness) async throws -> Void
    ) async throws {
        let harness = try await start(backend, orderEvents: orderEvents)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// Runs `body` with a started harness and a router test client, stopping everything afterwards.
    static func with(
        _ backend: PortalHarness.Backend = .memory,
        _ body: @Sendable (OrderHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let harness = try await start(backend)
        do {
            try await Application(router: harness.router()).test(.router) { client in try await body(harness, client) }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    // MARK: - Tokens

    /// A customer access token (audience `atrium-portal`).
    func token(_ user: UUID, tenant: String = OrderHarness.tenant) async throws -> String {
        try await tokens.issue(for: AuthenticatedUser(userID: user, tenant: tenant, kind: .customer, roles: [.customer], family: nil)).token
    }

    /// A staff access token (audience `atrium-admin`) for a new staff member with `roles`.
    func staffToken(_ roles: Set<Role>, tenant: String = OrderHarness.tenant, user: UUID = UUID()) async throws -> String {
        try await tokens.issue(for: AuthenticatedUser(userID: user, tenant: tenant, kind: .staff, roles: roles, family: nil)).token
    }

    // MARK: - Orders without HTTP

    /// An order recorded straight through the ledger (`draft`, one SIM line), for tests that need many or odd ones.
    @discardableResult
    func seedOrder(for user: UUID, tenant: String = OrderHarness.tenant, createdAt: Date = Date(), moveTo path: [OrderStatus] = []) async throws -> Order {
        let price = Money(minorUnits: 990, currency: try Currency("EUR"))
        let item = OrderItem(sku: try SKU("SIM-5GB"), name: "SIM 5 GB", kind: .sim, quantity: try Quantity(1), unitPrice: price)
        let order = Order(
            id: UUID(), tenant: tenant, userID: user, items: [item], subtotal: price, tax: Money(minorUnits: 0, currency: price.currency),
            total: price, createdAt: createdAt, updatedAt: createdAt
        )
        _ = try await services.ledger.create(order)
        var current = order
        for status in path { current = try await services.ledger.transition(orderID: order.id, to: status, step: "test") }
        return current
    }

    /// The `order.fulfill` jobs of `orderID` in the fulfillment queue, in any state, of saga generation `generation`
    /// (every generation when nil).
    func fulfillmentJobs(_ orderID: UUID, generation: Int? = 1) async throws -> [Job] {
        let queue = try #require(services.jobs[FulfillmentJob.queue])
        var jobs: [Job] = []
        for state in JobState.allCases { jobs += try await queue.jobs(in: state, offset: 0, limit: 1000) }
        let base = FulfillmentJob.jobID(orderID: orderID)
        return jobs.filter { job in
            guard job.name == FulfillmentJob.name else { return false }
            if let generation { return job.id == FulfillmentJob.jobID(orderID: orderID, generation: generation) }
            return job.id == base || job.id.hasPrefix(base + "-g")
        }
    }
}

extension TestClientProtocol {
    /// One request with an optional bearer token, JSON body and extra headers.
    func send(
        _ method: HTTPRequest.Method, _ path: String, token: String?, json: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

/// `{"items": [...]}` for `(sku, quantity)` pairs.
func orderJSON(_ items: [(String, Int)]) -> String {
    #"{"items": ["# + items.map { #"{"sku": "\#($0.0)", "quantity": \#($0.1)}"# }.joined(separator: ", ") + "]}"
}

// MARK: - A live server and an SSE client

/// Runs the router on a free loopback port (a real HTTP server in a ``ServiceGroup``) for `body`, which gets the
/// port and a way to shut the server down gracefully; shuts it down afterwards in any case.
func withLiveServer(
    _ router: Router<AppRequestContext>,
    _ body: @Sendable (_ port: Int, _ shutdown: @escaping @Sendable () async -> Void) async throws -> Void
) async throws {
    let logger = Logger(label: "test.orders.live")
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
        logger: logger
    )
    let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        do {
            try await body(port) { await group.triggerGracefulShutdown() }
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// One Server-Sent Event as a client sees it.
struct SSEEvent: Sendable, Equatable {
    var id: String?
    var event: String?
    var data: String

    /// The `data` as a timeline entry.
    func entry() throws -> OrderTimelineEntryDTO {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(OrderTimelineEntryDTO.self, from: Data(data.utf8))
    }
}

/// Reads an `text/event-stream` response incrementally, event by event, as the bytes arrive (AsyncHTTPClient).
struct SSEReader {
    let status: Int
    let headers: [(String, String)]
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var buffer = ""
    /// `: keep-alive` comments seen so far.
    private(set) var comments = 0
    /// `retry:` values seen so far.
    private(set) var retries: [String] = []

    /// Opens `GET path` on the live server with a customer token and optional `Last-Event-ID`.
    static func open(port: Int, path: String, token: String, lastEventID: String? = nil) async throws -> SSEReader {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        return SSEReader(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: response.body.makeAsyncIterator())
    }

    private init(status: Int, headers: [(String, String)], body: HTTPClientResponse.Body.AsyncIterator) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

    /// The next event with data; nil when the server ended the stream.
    mutating func next() async throws -> SSEEvent? {
        while true {
            if let range = buffer.range(of: "\n\n") {
                let block = String(buffer[..<range.lowerBound])
                buffer.removeSubrange(..<range.upperBound)
                if let event = parse(block) { return event }
                continue
            }
            guard let chunk = try await body.next() else { return nil }
            buffer += String(buffer: chunk)
        }
    }

    /// The events up to the end of the stream.
    mutating func rest() async throws -> [SSEEvent] {
        var events: [SSEEvent] = []
        while let event = try await next() { events.append(event) }
        return events
    }

    private mutating func parse(_ block: String) -> SSEEvent? {
        var event = SSEEvent(id: nil, event: nil, data: "")
        var hasData = false
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") {
                comments += 1
            } else if line.hasPrefix("id: ") {
                event.id = String(line.dropFirst(4))
            } else if line.hasPrefix("event: ") {
                event.event = String(line.dropFirst(7))
            } else if line.hasPrefix("data: ") {
                event.data += (hasData ? "\n" : "") + line.dropFirst(6)
                hasData = true
            } else if line.hasPrefix("retry: ") {
                retries.append(String(line.dropFirst(7)))
            }
        }
        return hasData ? event : nil
    }
}

/// Waits until `condition` holds, checking every 20 ms, for at most `limit` (a bound for a hung test, not a timing
/// assertion). Returns whether it held.
func eventually(within limit: Duration = .seconds(20), _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
