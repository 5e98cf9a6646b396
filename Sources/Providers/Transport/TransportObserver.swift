public import Domain

/// Receives what a transport did, for metrics (wired in a later issue); kept tiny on purpose.
///
/// Calls arrive on the caller's task, outside any lock, so an implementation must be quick and must not call back
/// into the transport synchronously.
public protocol TransportObserver: Sendable {
    /// One ``HTTPTransport/send(_:)`` finished.
    ///
    /// - Parameters:
    ///   - provider: The upstream.
    ///   - operation: The request's stable operation name.
    ///   - outcome: `"2xx"`, `"3xx"` or `"4xx"` for a returned response; otherwise the thrown
    ///     ``ProviderError/Code`` (`"unavailable"`, `"timeout"`, `"rateLimited"`, `"circuitOpen"`, ...).
    ///   - attempts: How many attempts were sent (0 when the circuit rejected the call).
    ///   - duration: The whole call, backoff waits included.
    func callFinished(provider: UpstreamID, operation: String, outcome: String, attempts: Int, duration: Duration)

    /// The upstream's circuit moved to `state`.
    func circuitChanged(provider: UpstreamID, to state: CircuitBreaker.State)
}
