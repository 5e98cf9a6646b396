public import Queue

/// Feeds this process's job runs into ``AppMetrics`` (`atrium_queue_runs_total`, wait and run histograms).
public struct QueueMetricsObserver: QueueObserver {
    let metrics: AppMetrics

    public init(metrics: AppMetrics) { self.metrics = metrics }

    public func runFinished(queue: QueueName, job: String, outcome: RunOutcome, wait: Duration, run: Duration) {
        metrics.jobRun(queue: queue.rawValue, job: job, outcome: outcome.rawValue, wait: wait, run: run)
    }

    public func stalledRecovered(queue: QueueName, count: Int) {
        metrics.stalledRecovered(queue: queue.rawValue, count: count)
    }
}
