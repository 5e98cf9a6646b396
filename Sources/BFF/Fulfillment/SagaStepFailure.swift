import Domain
import Providers

/// A saga step (or a compensation) that failed: permanently (the upstream refused, a precondition is missing)
/// or for now (the upstream was unreachable, timed out or throttled).
///
/// ``reason`` goes on the timeline and into the order's failure reason, which the customer sees: it names the
/// step, the upstream and the error code, never the adapter's detail (that is logged).
struct SagaStepFailure: Error, Sendable, CustomStringConvertible {
    /// The step's name, or `saga` for a failure before any step (links, plan, configuration).
    let step: String
    let reason: String
    let isPermanent: Bool

    init(step: String, reason: String, isPermanent: Bool) {
        self.step = step
        self.reason = reason
        self.isPermanent = isPermanent
    }

    /// A failure of `step` from a provider error.
    init(step: String, _ error: ProviderError) {
        self.init(step: step, reason: "\(step) failed: \(error.summary)", isPermanent: !error.isRetryable)
    }

    /// A failure that retrying cannot mend.
    static func permanent(_ step: String, _ reason: String) -> SagaStepFailure {
        SagaStepFailure(step: step, reason: reason, isPermanent: true)
    }

    var description: String { reason }
}

/// The order was cancelled while its saga ran: what took effect is compensated and the order stays cancelled.
struct SagaOrderCancelled: Error, Sendable {}

extension ProviderError {
    /// Whether the same call may succeed later: the upstream was unreachable, answered 5xx, timed out, throttled,
    /// its circuit was open, or it answered something unreadable (a truncated body). A refusal (4xx, a conflict,
    /// a missing object, refused credentials) is not retried: compensation follows.
    var isRetryable: Bool {
        [.unavailable, .timeout, .rateLimited, .circuitOpen, .invalidPayload].contains(code)
    }

    /// `stripe rejected (HTTP 402) [card_declined]`: what the timeline may say (no detail, which may name ids).
    var summary: String {
        var text = "\(provider.rawValue) \(code)"
        if let upstreamStatus { text += " (HTTP \(upstreamStatus))" }
        if let upstreamCode { text += " [\(upstreamCode)]" }
        return text
    }
}
