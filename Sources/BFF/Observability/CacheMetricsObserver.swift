/// Feeds cache lookups into ``AppMetrics`` (`atrium_cache_*`).
public struct CacheMetricsObserver: CacheObserver {
    let metrics: AppMetrics

    public init(metrics: AppMetrics) { self.metrics = metrics }

    public func hit(_ resource: CacheResource) { metrics.cacheLookup(resource: resource.rawValue, result: "hit") }

    public func miss(_ resource: CacheResource) { metrics.cacheLookup(resource: resource.rawValue, result: "miss") }

    public func stale(_ resource: CacheResource, reason: CacheStaleReason) {
        metrics.cacheLookup(resource: resource.rawValue, result: "stale")
        metrics.cacheStale(resource: resource.rawValue, reason: reason.rawValue)
    }

    public func load(_ resource: CacheResource, succeeded: Bool, duration: Duration) {
        metrics.cacheLoad(resource: resource.rawValue, succeeded: succeeded)
    }

    public func storeError(_ resource: CacheResource) { metrics.cacheStoreError(resource: resource.rawValue) }
}
