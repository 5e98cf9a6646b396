public import Hummingbird
public import Logging
public import Queue
public import ServiceLifecycle

/// `GET /metrics` of an `atrium worker` process (`--metrics-port`): its job runs (wait and run histograms,
/// outcomes), the upstream calls and cache lookups its jobs made, and the depth of the queues it serves — the
/// families a `serve` process cannot see, because they happen in this process.
public enum WorkerMetricsServer {
    public static func application(
        metrics: AppMetrics, queues: [String: any JobQueueDriver], host: String, port: Int, logger: Logger
    ) -> any Service {
        let router = Router()
        let sorted = queues.sorted { $0.key < $1.key }.map { (name: $0.key, queue: $0.value) }
        router.get("metrics") { _, context in
            await MetricsRoutes.refreshQueueDepths(queues: sorted, metrics: metrics, logger: context.logger)
            return MetricsRoutes.exposition(metrics)
        }
        router.get("health") { _, _ in "ok" }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "atrium-worker"),
            onServerRunning: { channel in
                logger.info("worker metrics listening", metadata: ["address": "\(channel.localAddress?.ipAddress ?? host):\(channel.localAddress?.port ?? port)"])
            },
            logger: logger
        )
    }
}
