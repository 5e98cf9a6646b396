public import Hummingbird
import Logging
import NIOCore
import Queue

/// `GET /metrics`: the Prometheus text exposition (`text/plain; version=0.0.4`) of this process's ``AppMetrics``.
///
/// Needs no token and is never rate limited (``RateLimiter`` exempts it); operators keep it off the public edge.
/// Each scrape first reads every queue's counts into `atrium_queue_jobs`/`atrium_queue_paused`; a queue that cannot
/// be read keeps its last values and the failure is logged (the scrape still answers).
public enum MetricsRoutes {
    /// The exposition format's media type.
    public static let contentType = "text/plain; version=0.0.4"

    /// Adds `GET /metrics` to `router`.
    public static func add(to router: Router<AppRequestContext>, services: AppServices) {
        router.get("metrics") { _, context in
            await refreshQueueDepths(queues: services.jobs.all, metrics: services.metrics, logger: context.logger)
            return exposition(services.metrics)
        }
    }

    /// The exposition of `metrics` as a response.
    static func exposition(_ metrics: AppMetrics) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition()))
        )
    }

    /// Reads each queue's counts into the depth gauges.
    static func refreshQueueDepths(queues: [(name: String, queue: any JobQueueDriver)], metrics: AppMetrics, logger: Logger) async {
        for (name, queue) in queues {
            do {
                let counts = try await queue.counts()
                let states = [
                    ("waiting", counts.waiting), ("delayed", counts.delayed), ("active", counts.active), ("completed", counts.completed),
                    ("dead", counts.dead),
                ]
                for (state, count) in states { metrics.queueDepth(queue: name, state: state, count: count) }
                metrics.queuePaused(queue: name, paused: counts.paused)
            } catch {
                logger.warning("queue counts unreadable for /metrics", metadata: ["queue": "\(name)", "error": "\(type(of: error))"])
            }
        }
    }
}
