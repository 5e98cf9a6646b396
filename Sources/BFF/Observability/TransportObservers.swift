public import Domain
public import Providers

/// Several transport observers as one (a transport takes one): metrics and ``AdminProviderStats`` side by side.
public struct TransportObservers: TransportObserver {
    public let observers: [any TransportObserver]

    public init(_ observers: [any TransportObserver]) { self.observers = observers }

    public func callFinished(provider: UpstreamID, operation: String, outcome: String, attempts: Int, duration: Duration) {
        for observer in observers {
            observer.callFinished(provider: provider, operation: operation, outcome: outcome, attempts: attempts, duration: duration)
        }
    }

    public func circuitChanged(provider: UpstreamID, to state: CircuitBreaker.State) {
        for observer in observers { observer.circuitChanged(provider: provider, to: state) }
    }
}
