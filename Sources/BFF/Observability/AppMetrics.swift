public import Prometheus

/// The Prometheus metric families of one running server (or worker process), on its own registry.
///
/// No global `MetricsSystem.bootstrap`: each application owns an ``AppMetrics`` (tests build several in one process
/// and each sees only its own series). `GET /metrics` renders ``registry``.
///
/// Families (Prometheus text exposition names):
/// - `atrium_http_requests_total{method,route,status}` and `atrium_http_request_duration_seconds{method,route,status}`
///   (histogram): every request, by Hummingbird's matched route template (`/api/v1/invoices/{id}`, never the raw
///   path; `unmatched` when no route matched).
/// - `atrium_upstream_calls_total{provider,operation,outcome}` and `atrium_upstream_call_duration_seconds{…}`
///   (histogram, backoff waits included): each provider call; `outcome` is `2xx`/`3xx`/`4xx` or the
///   `ProviderError` code (`unavailable`, `timeout`, `circuitOpen`, …).
/// - `atrium_upstream_circuit_state{provider,state}`: 1 for the circuit's current state (`closed`, `open`,
///   `halfOpen`), 0 for the others; present once a circuit has changed.
/// - `atrium_cache_lookups_total{resource,result}` (`hit`, `miss`, `stale`), `atrium_cache_stale_total{resource,reason}`
///   (`revalidating`, `upstreamError`), `atrium_cache_loads_total{resource,outcome}`,
///   `atrium_cache_store_errors_total{resource}`.
/// - `atrium_queue_jobs{queue,state}` (`waiting`, `delayed`, `active`, `completed`, `dead`) and
///   `atrium_queue_paused{queue}`: refreshed from each queue's counts when `/metrics` is scraped.
/// - `atrium_queue_job_wait_seconds{queue,job}` and `atrium_queue_job_run_seconds{queue,job}` (histograms),
///   `atrium_queue_runs_total{queue,job,outcome}` (`completed`, `retrying`, `dead_lettered`, `lease_lost`,
///   `released`, `snoozed`), `atrium_queue_stalled_recovered_total{queue}`: runs of this process's workers.
/// - `atrium_webhooks_received_total{provider,duplicate}` and `atrium_webhooks_rejected_total{provider,reason}`
///   (`reason` is the problem slug: `webhook-signature-invalid`, `webhook-payload-invalid`, …).
public final class AppMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    /// Request and job latencies: 5 ms to 10 s.
    static let latencyBuckets: [Duration] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000].map { .milliseconds($0) }
    /// Queue waits: 10 ms to 10 min (a delayed retry waits minutes).
    static let waitBuckets: [Duration] = [10, 50, 100, 500, 1000, 5000, 15_000, 60_000, 300_000, 600_000].map { .milliseconds($0) }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The exposition text (`text/plain; version=0.0.4`).
    public func exposition() -> String { registry.emitToString() }

    // MARK: - HTTP

    func httpRequest(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(descriptor: Self.httpRequests, labels: labels).increment()
        registry.makeDurationHistogram(descriptor: Self.httpDuration, labels: labels, buckets: Self.latencyBuckets).record(duration)
    }

    // MARK: - Upstreams

    func upstreamCall(provider: String, operation: String, outcome: String, duration: Duration) {
        let labels = [("provider", provider), ("operation", operation), ("outcome", outcome)]
        registry.makeCounter(descriptor: Self.upstreamCalls, labels: labels).increment()
        registry.makeDurationHistogram(descriptor: Self.upstreamDuration, labels: labels, buckets: Self.latencyBuckets).record(duration)
    }

    func circuit(provider: String, state current: String, states: [String]) {
        for state in states {
            let gauge = registry.makeGauge(descriptor: Self.circuitState, labels: [("provider", provider), ("state", state)])
            gauge.set(to: state == current ? 1.0 : 0.0)
        }
    }

    // MARK: - Cache

    func cacheLookup(resource: String, result: String) {
        registry.makeCounter(descriptor: Self.cacheLookups, labels: [("resource", resource), ("result", result)]).increment()
    }

    func cacheStale(resource: String, reason: String) {
        registry.makeCounter(descriptor: Self.cacheStale, labels: [("resource", resource), ("reason", reason)]).increment()
    }

    func cacheLoad(resource: String, succeeded: Bool) {
        let labels = [("resource", resource), ("outcome", succeeded ? "success" : "failure")]
        registry.makeCounter(descriptor: Self.cacheLoads, labels: labels).increment()
    }

    func cacheStoreError(resource: String) {
        registry.makeCounter(descriptor: Self.cacheStoreErrors, labels: [("resource", resource)]).increment()
    }

    // MARK: - Queues

    func queueDepth(queue: String, state: String, count: Int) {
        registry.makeGauge(descriptor: Self.queueJobs, labels: [("queue", queue), ("state", state)]).set(to: Double(count))
    }

    func queuePaused(queue: String, paused: Bool) {
        registry.makeGauge(descriptor: Self.queuePausedGauge, labels: [("queue", queue)]).set(to: paused ? 1.0 : 0.0)
    }

    func jobRun(queue: String, job: String, outcome: String, wait: Duration, run: Duration) {
        let jobLabels = [("queue", queue), ("job", job)]
        registry.makeCounter(descriptor: Self.queueRuns, labels: jobLabels + [("outcome", outcome)]).increment()
        registry.makeDurationHistogram(descriptor: Self.queueWait, labels: jobLabels, buckets: Self.waitBuckets).record(wait)
        registry.makeDurationHistogram(descriptor: Self.queueRun, labels: jobLabels, buckets: Self.latencyBuckets).record(run)
    }

    func stalledRecovered(queue: String, count: Int) {
        registry.makeCounter(descriptor: Self.queueStalled, labels: [("queue", queue)]).increment(by: Int64(count))
    }

    // MARK: - Webhooks

    func webhookReceived(provider: String, duplicate: Bool) {
        let labels = [("provider", provider), ("duplicate", String(duplicate))]
        registry.makeCounter(descriptor: Self.webhooksReceived, labels: labels).increment()
    }

    func webhookRejected(provider: String, reason: String) {
        registry.makeCounter(descriptor: Self.webhooksRejected, labels: [("provider", provider), ("reason", reason)]).increment()
    }
}
