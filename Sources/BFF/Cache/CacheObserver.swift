/// Hooks for cache metrics; the observability work exports them. Every method has a no-op default.
public protocol CacheObserver: Sendable {
    func hit(_ resource: CacheResource)
    func miss(_ resource: CacheResource)
    /// A stale entry was served: while revalidating, or instead of an upstream error.
    func stale(_ resource: CacheResource, reason: CacheStaleReason)
    /// One upstream load finished (single-flight: once for many waiting requests).
    func load(_ resource: CacheResource, succeeded: Bool, duration: Duration)
    /// The store failed (Redis down); the request went to the upstream instead.
    func storeError(_ resource: CacheResource)
    /// A request joined an upstream load already running for its key instead of starting another.
    func coalesced(_ resource: CacheResource)
}

public enum CacheStaleReason: String, Sendable {
    case revalidating, upstreamError
}

extension CacheObserver {
    public func hit(_ resource: CacheResource) {}
    public func miss(_ resource: CacheResource) {}
    public func stale(_ resource: CacheResource, reason: CacheStaleReason) {}
    public func load(_ resource: CacheResource, succeeded: Bool, duration: Duration) {}
    public func storeError(_ resource: CacheResource) {}
    public func coalesced(_ resource: CacheResource) {}
}

public struct NoCacheObserver: CacheObserver {
    public init() {}
}
