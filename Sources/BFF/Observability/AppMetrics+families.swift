import Prometheus

/// The names and help texts of ``AppMetrics``' families (see its doc comment for the labels).
///
/// Computed, not stored: `MetricNameDescriptor` is not `Sendable`.
extension AppMetrics {
    private static func name(_ subsystem: String, _ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "atrium", subsystem: subsystem, metricName: metric, unitName: unit, helpText: help)
    }

    static var httpRequests: MetricNameDescriptor {
        name("http", "requests", "total", "HTTP requests by method, route template and status.")
    }
    static var httpDuration: MetricNameDescriptor {
        name("http", "request_duration", "seconds", "HTTP request latency by method, route template and status.")
    }
    static var upstreamCalls: MetricNameDescriptor {
        name("upstream", "calls", "total", "Upstream calls by provider, operation and outcome.")
    }
    static var upstreamDuration: MetricNameDescriptor {
        name("upstream", "call_duration", "seconds", "Upstream call latency (backoff included) by provider, operation and outcome.")
    }
    static var circuitState: MetricNameDescriptor {
        name("upstream", "circuit", "state", "1 for the upstream circuit's current state, 0 for the others.")
    }
    static var cacheLookups: MetricNameDescriptor {
        name("cache", "lookups", "total", "Cache lookups by resource and result (hit, miss, stale).")
    }
    static var cacheStale: MetricNameDescriptor {
        name("cache", "stale", "total", "Stale cache entries served, by resource and reason.")
    }
    static var cacheLoads: MetricNameDescriptor {
        name("cache", "loads", "total", "Upstream loads made by the cache, by resource and outcome.")
    }
    static var cacheStoreErrors: MetricNameDescriptor {
        name("cache", "store_errors", "total", "Cache store failures (the upstream was asked instead).")
    }
    static var queueJobs: MetricNameDescriptor {
        name("queue", "jobs", "", "Jobs per queue and state, read when /metrics is scraped.")
    }
    static var queuePausedGauge: MetricNameDescriptor {
        name("queue", "paused", "", "1 when the queue is paused.")
    }
    static var queueRuns: MetricNameDescriptor {
        name("queue", "runs", "total", "Job runs by queue, job name and outcome.")
    }
    static var queueWait: MetricNameDescriptor {
        name("queue", "job_wait", "seconds", "Time from a job being due to its run starting.")
    }
    static var queueRun: MetricNameDescriptor {
        name("queue", "job_run", "seconds", "Time a job handler ran.")
    }
    static var queueStalled: MetricNameDescriptor {
        name("queue", "stalled_recovered", "total", "Jobs recovered from a worker that stopped renewing its lease.")
    }
    static var webhooksReceived: MetricNameDescriptor {
        name("webhooks", "received", "total", "Webhooks accepted (stored or duplicate), by provider.")
    }
    static var webhooksRejected: MetricNameDescriptor {
        name("webhooks", "rejected", "total", "Webhooks refused, by provider and reason.")
    }
}
