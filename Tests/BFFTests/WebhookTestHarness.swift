import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import Queue
import Sandbox
import TestSupport
import Testing

/// The whole server (`buildRouter`, every middleware) listening on a loopback port, the five sandboxes posting their
/// signed webhooks to its receivers, and (unless turned off) a `webhooks` worker running the real processing
/// handler, over the memory store or a fresh PostgreSQL schema. Alice and bob are linked to their demo data.
final class WebhookHarness: Sendable {
    enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case memory, postgres
        var testDescription: String { rawValue }
    }

    struct Options: Sendable {
        var backend: Backend = .memory
        /// Runs a `webhooks` worker with the handlers `ProductJobs` registers.
        var worker = true
        /// Replaces the store (a PostgreSQL client pointed at a dead port, one shared by two runs).
        var store: AtriumStore?
        /// Creates alice and bob in the store (off when the store is dead or already has them).
        var seedUsers = true
        /// Replaces the job queues (queues without `webhooks`).
        var jobs: JobQueues?
        /// Changes the webhook secrets the sandbox configuration gives.
        var secrets: @Sendable (inout [UpstreamID: [Secret]]) -> Void = { _ in }
    }

    static let tenant = "demo"

    let sandboxes: SandboxUpstreams
    let services: AppServices
    let port: Int
    let alice: UUID
    let bob: UUID
    private let offset: NIOLockedValueBox<TimeInterval>

    private init(sandboxes: SandboxUpstreams, services: AppServices, port: Int, alice: UUID, bob: UUID, offset: NIOLockedValueBox<TimeInterval>) {
        self.sandboxes = sandboxes
        self.services = services
        self.port = port
        self.alice = alice
        self.bob = bob
        self.offset = offset
    }

    /// Runs `body` against a started harness and stops everything afterwards.
    static func with(_ options: Options = Options(), _ body: @Sendable (WebhookHarness, any TestClientProtocol) async throws -> Void) async throws {
        switch options.backend {
        case .memory:
            try await run(store: options.store ?? .memory(), options: options, body)
        case .postgres:
            try await TestDatabase.withSchema { client, _ in
                try await run(store: options.store ?? .postgres(client: client, logger: TestDatabase.logger), options: options, body)
            }
        }
    }

    private static func run(
        store: AtriumStore, options: Options, _ body: @Sendable (WebhookHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let logger = {
            var logger = Logger(label: "test.webhooks")
            logger.logLevel = .warning
            return logger
        }()
        let sandboxes = try await SandboxUpstreams.start(simOperationDelay: .milliseconds(200), logger: logger)
        do {
            var providers = ProviderRegistry(sandboxes: sandboxes, logger: logger)
            options.secrets(&providers.webhookSecrets)
            let offset = NIOLockedValueBox<TimeInterval>(0)
            let services = AppServices(
                config: AtriumConfig(),
                store: store,
                cache: Cache(store: MemoryCacheStore(), logger: logger),
                providers: providers,
                jobs: options.jobs ?? .memory(),
                redis: nil,
                jwtSecret: Secret(String(repeating: "webhook-test-jwt-", count: 3)),
                passwordPepper: Secret(String(repeating: "webhook-test-pepper-", count: 2)),
                clock: AppClock { Date().addingTimeInterval(offset.withLockedValue { $0 }) },
                logger: logger
            )
            let alice = !options.seedUsers ? UUID() : try await createUser(
                "alice", in: store,
                links: AccountLinks(
                    billingProvider: "stripe", billingCustomerID: StripeSandbox.aliceCustomerID, crmAccountID: SalesforceSandbox.aliceAccountID,
                    simAccountID: SIMSandbox.aliceAccountID
                )
            )
            let bob = !options.seedUsers ? UUID() : try await createUser(
                "bob", in: store,
                links: AccountLinks(
                    billingProvider: "whmcs", billingCustomerID: WHMCSSandbox.bobClientID, crmAccountID: SalesforceSandbox.bobAccountID,
                    simAccountID: SIMSandbox.bobAccountID
                )
            )
            let router = buildRouter(services: services, health: HealthController(checks: []))
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                for sandbox in sandboxes.all {
                    sandbox.control.webhookURL = "http://127.0.0.1:\(port)/webhooks/\(sandbox.upstream.rawValue)"
                }
                let harness = WebhookHarness(sandboxes: sandboxes, services: services, port: port, alice: alice, bob: bob, offset: offset)
                let worker = options.worker ? harness.startWorker(logger: logger) : nil
                do {
                    try await body(harness, client)
                } catch {
                    await worker?.stop()
                    throw error
                }
                await worker?.stop()
            }
        } catch {
            await sandboxes.stop()
            throw error
        }
        await sandboxes.stop()
    }

    private static func createUser(_ name: String, in store: AtriumStore, links: AccountLinks) async throws -> UUID {
        let record = UserRecord(
            tenant: tenant, email: "\(name)-\(UUID().uuidString.prefix(8).lowercased())@demo.atrium.test", passwordHash: "unused",
            kind: .customer, roles: [.customer], displayName: name.capitalized, links: links, createdAt: Date()
        )
        try await store.users.create(record)
        return record.id
    }

    /// A worker on the `webhooks` queue with the handlers of `ProductJobs`.
    private func startWorker(logger: Logger) -> RunningWorker? {
        guard let queue = services.jobs[WebhookProcessingJob.queue] else { return nil }
        let worker = JobWorker(queue: queue, configuration: .init(concurrency: 2, maxIdlePoll: .milliseconds(20)), logger: logger)
        ProductJobs.register(on: worker, queue: WebhookProcessingJob.queue, services: services.jobServices)
        return RunningWorker(worker: worker, task: Task { await worker.run() })
    }

    struct RunningWorker {
        let worker: JobWorker
        let task: Task<Void, Never>

        func stop() async {
            await worker.shutdown(deadline: .seconds(5))
            task.cancel()
            await task.value
        }
    }

    // MARK: Time

    /// Moves the server's clock (the receivers' "now") by `seconds` from the real time.
    func setClockOffset(_ seconds: TimeInterval) { offset.withLockedValue { $0 = seconds } }

    var now: Date { services.clock.now() }

    // MARK: Secrets and signing

    func secret(_ upstream: UpstreamID) throws -> String {
        try #require(sandboxes.all.first { $0.upstream == upstream }?.credentials["webhook_secret"])
    }

    /// The headers `upstream` signs `body` with at `timestamp` (the server's now by default) under `secret`
    /// (the sandbox's by default).
    func signedHeaders(_ upstream: UpstreamID, body: Data, timestamp: Int64? = nil, secret: String? = nil) throws -> HTTPFields {
        let time = timestamp ?? Int64(now.timeIntervalSince1970)
        let key = try secret ?? self.secret(upstream)
        let receiver = WebhookUpstream(upstream)
        var headers: HTTPFields = [.contentType: "application/json"]
        if let timestampHeader = receiver.timestampHeader {
            headers[timestampHeader] = String(time)
            headers[receiver.signatureHeader] = WebhookSignature.sign(body: body, timestamp: time, secret: key)
        } else {
            headers[receiver.signatureHeader] = StripeSignature.header(body: body, timestamp: time, secrets: [key])
        }
        return headers
    }

    // MARK: Waiting

    /// Polls `condition` until it holds; fails (throws) after `seconds` (a bound for a broken run, not a timing
    /// assertion).
    func eventually(_ what: String, seconds: Double = 15, _ condition: @Sendable () async throws -> Bool) async throws {
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < end {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("timed out waiting for: \(what)")
        throw CancellationError()
    }

    /// Waits until `upstream`'s sandbox has had `count` deliveries answered, and returns them.
    @discardableResult
    func deliveries(_ upstream: UpstreamID, atLeast count: Int) async throws -> [WebhookDelivery] {
        let control = try #require(sandboxes.all.first { $0.upstream == upstream }?.control)
        try await eventually("\(count) \(upstream.rawValue) deliveries") { control.deliveries.count >= count }
        return control.deliveries
    }

    /// The inbox rows of `provider`, oldest first.
    func rows(_ provider: UpstreamID) async throws -> [StoredWebhook] {
        try await services.store.webhooks.webhooks(filter: WebhookFilter(provider: provider.rawValue), after: nil, limit: 500).reversed()
    }

    /// Waits until every row of `provider` (at least `count`) is processed.
    func processed(_ provider: UpstreamID, atLeast count: Int = 1) async throws -> [StoredWebhook] {
        try await eventually("\(count) processed \(provider.rawValue) webhooks") {
            let rows = try await self.rows(provider)
            return rows.count >= count && rows.allSatisfy { $0.status == .processed }
        }
        return try await rows(provider)
    }

    var webhookQueue: any JobQueueDriver {
        get throws { try #require(services.jobs[WebhookProcessingJob.queue]) }
    }
}

extension TestClientProtocol {
    /// Posts `body` to `/webhooks/<upstream>` with `headers`.
    func webhook(_ upstream: UpstreamID, body: Data, headers: HTTPFields) async throws -> TestResponse {
        try await execute(uri: "/webhooks/\(upstream.rawValue)", method: .post, headers: headers, body: ByteBuffer(data: body))
    }
}

/// The fields of a problem body webhook tests compare.
struct WebhookProblemBody: Decodable, Equatable {
    let type: String
    let status: Int
}

/// The 200 body of a receiver.
struct WebhookAckBody: Decodable, Equatable {
    let received: Bool
    let duplicate: Bool
}
