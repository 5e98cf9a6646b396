import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import Providers
import Queue
import Sandbox
import TestSupport
import Testing

/// `GET /metrics` on the full router (`buildRouter(services:health:)`) after a scenario over the real sandboxes: a
/// cached portal read, an invoice by id, a stored and a refused webhook, and a `webhook.process` run on the memory
/// queue by a worker reporting to the same ``AppMetrics``.
@Suite("Metrics endpoint")
struct MetricsEndpointTests {
    /// One sample of the text exposition: `name{label="value",…} value`.
    struct Sample: Sendable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// Parses the Prometheus text exposition (0.0.4): `# HELP`/`# TYPE` lines, then one sample per line.
    static func parse(_ text: String) throws -> (samples: [Sample], types: [String: String]) {
        var samples: [Sample] = []
        var types: [String: String] = [:]
        for line in text.split(separator: "\n").map(String.init) where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") { continue }
            let valueStart = try #require(line.lastIndex(of: " "), "sample line without a value: \(line)")
            let value = try #require(Double(line[line.index(after: valueStart)...]), "sample value not a number: \(line)")
            let series = line[..<valueStart]
            var labels: [String: String] = [:]
            let name: String
            if let brace = series.firstIndex(of: "{") {
                name = String(series[..<brace])
                #expect(series.hasSuffix("}"), "unterminated label set: \(line)")
                var rest = series[series.index(after: brace)..<series.index(before: series.endIndex)]
                while !rest.isEmpty {
                    let equals = try #require(rest.firstIndex(of: "="), "label without '=': \(line)")
                    let key = String(rest[..<equals]).trimmingCharacters(in: CharacterSet(charactersIn: ","))
                    rest = rest[rest.index(after: equals)...]
                    #expect(rest.first == "\"", "label value not quoted: \(line)")
                    rest = rest.dropFirst()
                    var value = ""
                    var escaped = false
                    while let character = rest.first {
                        rest = rest.dropFirst()
                        if escaped {
                            value.append(character == "n" ? "\n" : character)
                            escaped = false
                        } else if character == "\\" {
                            escaped = true
                        } else if character == "\"" {
                            break
                        } else {
                            value.append(character)
                        }
                    }
                    labels[key] = value
                    if rest.first == "," { rest = rest.dropFirst() }
                }
            } else {
                name = String(series)
            }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
        return (samples, types)
    }

    /// The services of the harness with a fresh ``AppMetrics`` that the cache and the providers report into.
    static func meteredServices(_ portal: PortalHarness) -> AppServices {
        let base = portal.services
        let metrics = AppMetrics()
        var config = base.config
        config.apiRateLimit = OrderHarness.rateLimit
        var providers = ProviderRegistry(
            sandboxes: portal.sandboxes, logger: base.logger, observer: TransportMetricsObserver(metrics: metrics)
        )
        providers.webhookSecrets = base.providers.webhookSecrets
        return AppServices(
            config: config,
            store: base.store,
            cache: Cache(store: MemoryCacheStore(), observer: CacheMetricsObserver(metrics: metrics)),
            providers: providers,
            jobs: base.jobs,
            redis: nil,
            jwtSecret: base.jwtSecret,
            passwordPepper: base.passwordPepper,
            clock: base.clock,
            logger: base.logger,
            metrics: metrics
        )
    }

    static func stripeEvent(_ id: String) -> Data {
        Data(
            #"{"id":"\#(id)","object":"event","type":"invoice.paid","data":{"object":{"id":"in_1","object":"invoice","customer":"cus_DemoAlice0001"}}}"#
                .utf8
        )
    }

    @Test func eachFamilyIsExposedAfterAScenario() async throws {
        let portal = try await PortalHarness.start()
        let services = Self.meteredServices(portal)
        let tokens = TokenService(secret: services.jwtSecret, clock: services.clock)
        let alice = try await tokens.issue(
            for: AuthenticatedUser(userID: portal.alice, tenant: PortalHarness.tenant, kind: .customer, roles: [.customer], family: nil)
        ).token
        let queue = try #require(services.jobs[WebhookProcessingJob.queue])
        let worker = JobWorker(
            queue: queue, configuration: .init(concurrency: 1, maxIdlePoll: .milliseconds(20)),
            observer: QueueMetricsObserver(metrics: services.metrics), logger: services.logger
        )
        ProductJobs.register(on: worker, queue: WebhookProcessingJob.queue, services: services.jobServices)
        let running = Task { await worker.run() }
        defer { running.cancel() }
        do {
            let router = buildRouter(services: services, health: HealthController(checks: []))
            try await Application(router: router).test(.router) { client in
                // A portal read twice: a miss that calls Stripe, then a hit.
                let first = try await client.send(.get, "/api/v1/invoices", token: alice)
                #expect(first.status == .ok)
                #expect(try await client.send(.get, "/api/v1/invoices", token: alice).status == .ok)
                let invoiceID = try #require(try first.decode(ListDTO<InvoiceDTO>.self).data.first?.id)
                #expect(try await client.send(.get, "/api/v1/invoices/\(invoiceID)", token: alice).status == .ok)

                // A webhook stored (its processing job runs on the worker) and one refused.
                let secret = try #require(portal.sandboxes.stripe.credentials["webhook_secret"])
                let body = Self.stripeEvent("evt_metrics_\(UUID().uuidString.prefix(8))")
                let now = Int64(services.clock.now().timeIntervalSince1970)
                var signed: HTTPFields = [.contentType: "application/json"]
                signed[WebhookUpstream(.stripe).signatureHeader] = StripeSignature.header(body: body, timestamp: now, secrets: [secret])
                let stored = try await client.execute(uri: "/webhooks/stripe", method: .post, headers: signed, body: ByteBuffer(data: body))
                #expect(stored.status == .ok)
                var forged: HTTPFields = [.contentType: "application/json"]
                forged[WebhookUpstream(.stripe).signatureHeader] = StripeSignature.header(body: body, timestamp: now, secrets: ["whsec_wrong"])
                let refused = try await client.execute(uri: "/webhooks/stripe", method: .post, headers: forged, body: ByteBuffer(data: body))
                #expect(refused.status == .unauthorized)

                // Wait (bounded) until the worker has finished the processing run.
                let end = ContinuousClock.now + .seconds(15)
                while try await queue.counts().completed + queue.counts().dead == 0, ContinuousClock.now < end {
                    try await Task.sleep(for: .milliseconds(20))
                }

                let response = try await client.execute(uri: "/metrics", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4")
                let (samples, types) = try Self.parse(String(buffer: response.body))
                func find(_ name: String, _ labels: [String: String]) -> [Sample] {
                    samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
                }

                // HTTP: by route template, never by the raw id.
                #expect(types["atrium_http_requests_total"] == "counter")
                #expect(types["atrium_http_request_duration_seconds"] == "histogram")
                let listed = find("atrium_http_requests_total", ["method": "GET", "route": "/api/v1/invoices", "status": "200"])
                #expect(listed.first?.value == 2)
                #expect(find("atrium_http_requests_total", ["route": "/api/v1/invoices/{id}", "status": "200"]).first?.value == 1)
                #expect(!samples.contains { $0.labels["route"]?.contains(invoiceID) == true })
                #expect(find("atrium_http_requests_total", ["route": "/webhooks/stripe", "status": "401"]).first?.value == 1)
                #expect(!find("atrium_http_request_duration_seconds_bucket", ["route": "/api/v1/invoices/{id}", "le": "+Inf"]).isEmpty)
                #expect(find("atrium_http_request_duration_seconds_count", ["route": "/api/v1/invoices", "status": "200"]).first?.value == 2)

                // Upstream calls with latency (Stripe answered 2xx), labelled by operation.
                let calls = find("atrium_upstream_calls_total", ["provider": "stripe", "outcome": "2xx"])
                #expect(!calls.isEmpty)
                #expect(calls.allSatisfy { !($0.labels["operation"] ?? "").isEmpty })
                #expect(!find("atrium_upstream_call_duration_seconds_count", ["provider": "stripe"]).isEmpty)

                // Cache: one miss then one hit for the invoice list.
                #expect(find("atrium_cache_lookups_total", ["resource": "invoices", "result": "miss"]).first.map { $0.value >= 1 } == true)
                #expect(find("atrium_cache_lookups_total", ["resource": "invoices", "result": "hit"]).first.map { $0.value >= 1 } == true)

                // Webhooks: one stored, one refused for its signature.
                #expect(find("atrium_webhooks_received_total", ["provider": "stripe", "duplicate": "false"]).first?.value == 1)
                #expect(find("atrium_webhooks_rejected_total", ["provider": "stripe", "reason": "webhook-signature-invalid"]).first?.value == 1)

                // Queue: depth by state for every product queue, and the worker's run with wait and run times.
                #expect(types["atrium_queue_jobs"] == "gauge")
                for (name, _) in services.jobs.all {
                    #expect(Set(find("atrium_queue_jobs", ["queue": name]).compactMap { $0.labels["state"] })
                        == ["waiting", "delayed", "active", "completed", "dead"])
                }
                let runs = find("atrium_queue_runs_total", ["queue": "webhooks", "job": WebhookProcessingJob.name])
                #expect(runs.reduce(0) { $0 + $1.value } >= 1)
                #expect(!find("atrium_queue_job_wait_seconds_count", ["queue": "webhooks"]).isEmpty)
                #expect(!find("atrium_queue_job_run_seconds_count", ["queue": "webhooks"]).isEmpty)
            }
        } catch {
            await worker.shutdown(deadline: .seconds(5))
            await portal.stop()
            throw error
        }
        await worker.shutdown(deadline: .seconds(5))
        await portal.stop()
    }

    @Test func circuitStateIsAGaugePerState() throws {
        let metrics = AppMetrics()
        let observer = TransportMetricsObserver(metrics: metrics)
        observer.circuitChanged(provider: .sim, to: .open)
        let (samples, types) = try Self.parse(metrics.exposition())
        #expect(types["atrium_upstream_circuit_state"] == "gauge")
        let states = Dictionary(
            uniqueKeysWithValues: samples.filter { $0.name == "atrium_upstream_circuit_state" && $0.labels["provider"] == "sim" }
                .compactMap { sample in sample.labels["state"].map { ($0, sample.value) } }
        )
        #expect(states == ["closed": 0, "open": 1, "halfOpen": 0])
    }

    @Test func metricsNeedNoTokenAndAreNotRateLimited() async throws {
        let portal = try await PortalHarness.start()
        var config = portal.services.config
        config.apiRateLimit = (perSecond: 1, burst: 1)
        let base = portal.services
        let services = AppServices(
            config: config, store: base.store, cache: base.cache, providers: base.providers, jobs: base.jobs, redis: nil,
            jwtSecret: base.jwtSecret, passwordPepper: base.passwordPepper, logger: base.logger
        )
        do {
            try await Application(router: buildRouter(services: services, health: HealthController(checks: []))).test(.router) { client in
                for _ in 0..<5 {
                    let response = try await client.execute(uri: "/metrics", method: .get)
                    #expect(response.status == .ok)
                    #expect(response.headers[EdgeHeaders.rateLimitPolicy] == nil)
                }
            }
        } catch {
            await portal.stop()
            throw error
        }
        await portal.stop()
    }
}
