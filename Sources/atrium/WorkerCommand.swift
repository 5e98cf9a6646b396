import ArgumentParser
import BFF
import Logging

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run queue workers against REDIS_URL.",
        discussion: """
            One worker per queue, each with --concurrency slots. SIGTERM or SIGINT stops claiming, lets running jobs \
            finish for up to 25 s, then releases the rest back to their queue (they do not count as attempts).
            """
    )

    @Option(help: "Comma-separated queues to serve.") var queues: String = productQueueNames.joined(separator: ",")
    @Option(help: "Jobs run at once per queue.") var concurrency: Int = 8
    @Option(help: "Lease in seconds: a job whose worker stops renewing it for this long is retried elsewhere.")
    var leaseSeconds: Double = 30
    @Option(help: "Serve this process's GET /metrics (Prometheus: job runs, upstream calls, queue depth) on ATRIUM_HOST and this port; off when unset.")
    var metricsPort: Int?
    @OptionGroup var options: QueueOptions

    func validate() throws {
        guard concurrency >= 1 && concurrency <= 1024 else { throw ValidationError("--concurrency must be 1...1024") }
        guard leaseSeconds >= 0.5 else { throw ValidationError("--lease-seconds must be at least 0.5") }
        if let metricsPort, !(0...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 0...65535") }
    }

    func run() async throws {
        let redis = try options.redis(for: "worker")
        let config = try loadConfiguration()
        let tracing = try bootstrapTracing(config, role: "worker", logger: Logger(label: "atrium.worker"))
        try await migrateAtStart(config, logger: Logger(label: "atrium.worker"))
        try await runWorkers(
            redis: redis,
            queues: try QueueOptions.queueNames(queues),
            concurrency: concurrency,
            lease: .milliseconds(Int64(leaseSeconds * 1000)),
            keyPrefix: options.keyPrefix,
            config: config,
            observability: [tracing],
            metricsListener: metricsPort.map { (config.host, $0) },
            logger: Logger(label: "atrium.worker")
        )
    }
}
