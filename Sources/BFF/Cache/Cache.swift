import Foundation
public import Logging
import NIOConcurrencyHelpers

/// How a read was answered; the API sends it as `X-Cache`.
public enum CacheStatus: String, Sendable {
    case hit = "HIT", miss = "MISS", stale = "STALE"
}

public struct CacheResult<Value: Sendable>: Sendable {
    public let value: Value
    public let status: CacheStatus
}

/// The read-through cache every cached BFF read goes through.
///
/// - Fresh entry: served as HIT.
/// - Within stale-while-revalidate: served as STALE at once, while one background refresh runs.
/// - Missing, or past that window: the upstream is called; concurrent misses for one key in this process
///   share one call (single-flight) and its outcome, failure included. (A request whose store read raced a
///   load that finished a moment later may load once more: finished loads are not reused, because an
///   invalidation from another process may have come in between.)
/// - The upstream fails: an entry within stale-if-error is served as STALE; otherwise the error is thrown.
///   A failure is never cached.
/// - The store fails (Redis down): the read goes to the upstream, so the cache never adds an outage.
public final class Cache: Sendable {
    public let store: any CacheStore
    public let policies: CachePolicies
    private let clock: CacheClock
    private let observer: any CacheObserver
    private let logger: Logger
    private let flights = NIOLockedValueBox<[String: Task<CacheEntry, any Error>]>([:])

    public init(
        store: any CacheStore,
        policies: CachePolicies = CachePolicies(),
        clock: CacheClock = .system,
        observer: any CacheObserver = NoCacheObserver(),
        logger: Logger = Logger(label: "atrium.cache")
    ) {
        self.store = store
        self.policies = policies
        self.clock = clock
        self.observer = observer
        self.logger = logger
    }

    /// Reads `key` through the cache, calling `load` when needed.
    ///
    /// - Parameters:
    ///   - tags: tags besides the scope's own, e.g. `invoices`, `dashboard`.
    ///   - load: the upstream call; its error reaches the caller unless a stale value may be served.
    public func fetch<Value: Codable & Sendable>(
        _ key: CacheKey,
        tags: [CacheTag] = [],
        as type: Value.Type = Value.self,
        load: @escaping @Sendable () async throws -> Value
    ) async throws -> CacheResult<Value> {
        let resource = key.resource
        var cached: CacheEntry?
        do {
            cached = try await store.get(key)
        } catch {
            observer.storeError(resource)
            logger.warning("cache read failed; reading through", metadata: ["resource": "\(resource.rawValue)", "error": "\(error)"])
        }
        let now = clock.nowMillis()
        if let cached, let value = decode(cached, as: type) {
            if now < cached.freshUntil {
                observer.hit(resource)
                return CacheResult(value: value, status: .hit)
            }
            if now < cached.staleWhileRevalidateUntil {
                observer.stale(resource, reason: .revalidating)
                let flight = self.flight(key, tags: tags, load: load)
                Task { _ = try? await flight.value }
                return CacheResult(value: value, status: .stale)
            }
        }
        do {
            let fresh = try await flight(key, tags: tags, load: load).value
            guard let value = decode(fresh, as: type) else {
                throw CacheError.undecodable(resource: resource)
            }
            observer.miss(resource)
            return CacheResult(value: value, status: .miss)
        } catch {
            if let cached, now < cached.staleIfErrorUntil, let value = decode(cached, as: type) {
                observer.stale(resource, reason: .upstreamError)
                logger.notice("upstream failed; serving stale", metadata: ["resource": "\(resource.rawValue)", "error": "\(error)"])
                return CacheResult(value: value, status: .stale)
            }
            throw error
        }
    }

    /// Removes every entry under `tag`, in every process sharing the store.
    @discardableResult
    public func invalidate(_ tag: CacheTag) async throws -> Int {
        try await store.invalidate(tag)
    }

    /// Removes every entry of one customer (or of a tenant's global scope).
    @discardableResult
    public func invalidate(scope: CacheScope) async throws -> Int {
        try await store.invalidate(.all(scope))
    }

    /// The one in-flight load for `key` in this process, starting it if none runs.
    private func flight<Value: Codable & Sendable>(
        _ key: CacheKey,
        tags: [CacheTag],
        load: @escaping @Sendable () async throws -> Value
    ) -> Task<CacheEntry, any Error> {
        let box = flights
        return box.withLockedValue { running in
            if let flight = running[key.rawValue] {
                observer.coalesced(key.resource)
                return flight
            }
            let task = Task { [store, policies, clock, observer, logger] in
                defer { _ = box.withLockedValue { $0.removeValue(forKey: key.rawValue) } }
                let start = ContinuousClock.now
                let value: Value
                do {
                    value = try await load()
                } catch {
                    observer.load(key.resource, succeeded: false, duration: ContinuousClock.now - start)
                    throw error
                }
                observer.load(key.resource, succeeded: true, duration: ContinuousClock.now - start)
                let policy = policies[key.resource]
                let now = clock.nowMillis()
                let entry = CacheEntry(
                    payload: Array(try JSONEncoder().encode(value)),
                    storedAt: now,
                    freshUntil: now + policy.ttl.milliseconds,
                    staleWhileRevalidateUntil: now + (policy.ttl + policy.staleWhileRevalidate).milliseconds,
                    staleIfErrorUntil: now + (policy.ttl + policy.staleIfError).milliseconds
                )
                do {
                    try await store.set(key, entry, tags: tags)
                } catch {
                    observer.storeError(key.resource)
                    logger.warning("cache write failed", metadata: ["resource": "\(key.resource.rawValue)", "error": "\(error)"])
                }
                return entry
            }
            running[key.rawValue] = task
            return task
        }
    }

    private func decode<Value: Decodable>(_ entry: CacheEntry, as type: Value.Type) -> Value? {
        try? JSONDecoder().decode(type, from: Data(entry.payload))
    }
}

public enum CacheError: Error, Sendable {
    /// A freshly loaded value could not be decoded as the requested type (two callers disagree on a key's type).
    case undecodable(resource: CacheResource)
}
