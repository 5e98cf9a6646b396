public import Domain
public import Providers

/// Feeds provider calls and circuit changes into ``AppMetrics`` (`atrium_upstream_*`).
public struct TransportMetricsObserver: TransportObserver {
    let metrics: AppMetrics

    public init(metrics: AppMetrics) { self.metrics = metrics }

    public func callFinished(provider: UpstreamID, operation: String, outcome: String, attempts: Int, duration: Duration) {
        metrics.upstreamCall(provider: provider.rawValue, operation: operation, outcome: outcome, duration: duration)
    }

    public func circuitChanged(provider: UpstreamID, to state: CircuitBreaker.State) {
        let states = [CircuitBreaker.State.closed, .open, .halfOpen].map(\.rawValue)
        metrics.circuit(provider: provider.rawValue, state: state.rawValue, states: states)
    }
}
