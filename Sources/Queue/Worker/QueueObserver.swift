/// Hooks for queue metrics; the observability work exports them. Depth by state comes from
/// ``JobQueueDriver/counts()``, which the exporter polls. Every method has a no-op default.
public protocol QueueObserver: Sendable {
    /// A run ended. `wait` is from the time the job became due to the start of this run; `run` is the handler's time.
    func runFinished(queue: QueueName, job: String, outcome: RunOutcome, wait: Duration, run: Duration)
    /// Jobs whose worker stopped renewing their lease were returned to waiting or dead-lettered.
    func stalledRecovered(queue: QueueName, count: Int)
}

public enum RunOutcome: String, Sendable {
    case completed, retrying, deadLettered = "dead_lettered", leaseLost = "lease_lost", released
    /// The handler asked to run again later (``JobSnooze``); not an attempt.
    case snoozed
}

extension QueueObserver {
    public func runFinished(queue: QueueName, job: String, outcome: RunOutcome, wait: Duration, run: Duration) {}
    public func stalledRecovered(queue: QueueName, count: Int) {}
}

public struct NoQueueObserver: QueueObserver {
    public init() {}
}
