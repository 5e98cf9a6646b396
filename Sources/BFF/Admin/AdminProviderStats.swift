public import Domain
import Foundation
import NIOConcurrencyHelpers
public import Providers

/// Recent call outcomes per upstream, for `GET /admin/providers`: a ``TransportObserver`` keeping a sliding window
/// (the last ``window``, at most ``maxCalls`` calls per upstream) and the last circuit state each transport reported.
///
/// It sees every transport of an adapter, including ones the adapter does not expose (Salesforce's per-instance
/// transports). Give it to ``ProviderRegistry`` through ``TransportObservers`` next to the metrics observer.
public final class AdminProviderStats: TransportObserver {
    public static let window: Duration = .seconds(300)
    public static let maxCalls = 1_000

    /// One upstream's numbers over the window.
    public struct Summary: Sendable, Hashable {
        public let calls: Int
        public let failures: Int
        public let meanLatencyMs: Double?
        public let circuit: CircuitBreaker.State?
    }

    private struct Call {
        let at: ContinuousClock.Instant
        let failed: Bool
        let duration: Duration
    }

    private struct State {
        var calls: [UpstreamID: [Call]] = [:]
        var circuits: [UpstreamID: CircuitBreaker.State] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func callFinished(provider: UpstreamID, operation: String, outcome: String, attempts: Int, duration: Duration) {
        // A 4xx is the caller's problem, not the upstream's; an open circuit rejecting a call is not a new failure.
        let failed = !(outcome == "2xx" || outcome == "3xx" || outcome == "4xx" || outcome == "circuitOpen")
        let call = Call(at: .now, failed: failed, duration: duration)
        state.withLockedValue { state in
            var calls = state.calls[provider, default: []]
            calls.append(call)
            if calls.count > Self.maxCalls { calls.removeFirst(calls.count - Self.maxCalls) }
            state.calls[provider] = calls
        }
    }

    public func circuitChanged(provider: UpstreamID, to newState: CircuitBreaker.State) {
        state.withLockedValue { $0.circuits[provider] = newState }
    }

    /// The numbers of `provider` over the last ``window``; nil when nothing was seen.
    public func summary(_ provider: UpstreamID) -> Summary? {
        let cutoff = ContinuousClock.now - Self.window
        return state.withLockedValue { state in
            let recent = (state.calls[provider] ?? []).filter { $0.at >= cutoff }
            let circuit = state.circuits[provider]
            guard !recent.isEmpty || circuit != nil else { return nil }
            let total = recent.reduce(Duration.zero) { $0 + $1.duration }
            let mean = recent.isEmpty ? nil : (Double(total.components.seconds) * 1000 + Double(total.components.attoseconds) / 1e15) / Double(recent.count)
            return Summary(calls: recent.count, failures: recent.filter(\.failed).count, meanLatencyMs: mean, circuit: circuit)
        }
    }
}
