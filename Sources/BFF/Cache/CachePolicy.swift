/// How long entries of one resource are fresh, and how long they may be served stale (RFC 5861).
public struct CachePolicy: Sendable, Hashable {
    public var ttl: Duration
    /// After `ttl`, served as STALE while one background refresh runs.
    public var staleWhileRevalidate: Duration
    /// After `ttl`, served as STALE instead of an error when the upstream fails.
    public var staleIfError: Duration

    public init(ttl: Duration, staleWhileRevalidate: Duration, staleIfError: Duration) {
        self.ttl = ttl
        self.staleWhileRevalidate = staleWhileRevalidate
        self.staleIfError = staleIfError
    }

    /// Stale-while-revalidate for as long again as the TTL; stale-if-error for ten TTLs, at least 5 minutes
    /// and at most an hour: long enough to ride out an upstream incident, short enough not to mislead.
    public init(ttl: Duration) {
        let tenfold = ttl * 10
        self.init(ttl: ttl, staleWhileRevalidate: ttl, staleIfError: min(max(tenfold, .seconds(300)), .seconds(3600)))
    }
}

/// The policy of every cached resource: the design's defaults, overridable by `ATRIUM_CACHE_TTLS`.
public struct CachePolicies: Sendable, Hashable {
    private var policies: [CacheResource: CachePolicy]

    public init(overrides: [CacheResource: Duration] = [:]) {
        var policies: [CacheResource: CachePolicy] = [:]
        for resource in CacheResource.allCases {
            policies[resource] = CachePolicy(ttl: overrides[resource] ?? resource.defaultTTL)
        }
        self.policies = policies
    }

    public subscript(resource: CacheResource) -> CachePolicy {
        get { policies[resource] ?? CachePolicy(ttl: resource.defaultTTL) }
        set { policies[resource] = newValue }
    }
}
