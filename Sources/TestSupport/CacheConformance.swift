public import BFF
import Foundation
import NIOConcurrencyHelpers

/// One behaviour every cache backend must show, run by `MemoryCacheStoreTests` and `RedisCacheStoreTests`.
///
/// `makeStores(clock, n)` returns `n` stores over one shared backing (for Redis: `n` separate pools to one
/// server, as `n` BFF processes would have; for memory: one instance `n` times). A check throws on failure.
public struct CacheCheck: Sendable, CustomStringConvertible {
    public typealias MakeStores = @Sendable (_ clock: CacheClock, _ count: Int) async throws -> [any CacheStore]
    public let description: String
    public let run: @Sendable (_ makeStores: MakeStores) async throws -> Void
}

public struct CheckFailed: Error, CustomStringConvertible {
    public let description: String
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String, line: Int = #line) throws {
    if !condition { throw CheckFailed(description: "line \(line): \(message())") }
}

/// Records how often the upstream was called; can be made to fail or to wait at a gate.
final class Upstream: Sendable {
    private let state = NIOLockedValueBox((calls: 0, value: "v1", failing: false, gateOpen: true))
    var calls: Int { state.withLockedValue { $0.calls } }
    func set(value: String) { state.withLockedValue { $0.value = value } }
    func set(failing: Bool) { state.withLockedValue { $0.failing = failing } }
    /// While closed, loads wait (so a test can decide when the single upstream call ends).
    func set(gateOpen: Bool) { state.withLockedValue { $0.gateOpen = gateOpen } }

    struct Down: Error {}

    func load(delay: Duration = .zero) async throws -> String {
        let (value, failing) = state.withLockedValue { state in
            state.calls += 1
            return (state.value, state.failing)
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        while !state.withLockedValue({ $0.gateOpen }) { try await Task.sleep(for: .milliseconds(5)) }
        if failing { throw Down() }
        return value
    }
}

final class CountingObserver: CacheObserver {
    let counts = NIOLockedValueBox([String: Int]())
    func bump(_ name: String) { counts.withLockedValue { $0[name, default: 0] += 1 } }
    func count(_ name: String) -> Int { counts.withLockedValue { $0[name] ?? 0 } }
    func hit(_ resource: CacheResource) { bump("hit") }
    func miss(_ resource: CacheResource) { bump("miss") }
    func stale(_ resource: CacheResource, reason: CacheStaleReason) { bump("stale.\(reason.rawValue)") }
    func load(_ resource: CacheResource, succeeded: Bool, duration: Duration) { bump(succeeded ? "load.ok" : "load.failed") }
    func coalesced(_ resource: CacheResource) { bump("coalesced") }
}

public enum CacheConformance {
    static func scope(_ customer: String = "c1", tenant: String = "t-\(UUID().uuidString.prefix(8))") -> CacheScope {
        .customer(tenant: tenant, customer: customer)
    }

    static func entry(_ text: String, clock: CacheClock, ttl: Int64 = 60_000) -> CacheEntry {
        let now = clock.nowMillis()
        return CacheEntry(payload: Array(text.utf8), storedAt: now, freshUntil: now + ttl, staleWhileRevalidateUntil: now + ttl, staleIfErrorUntil: now + ttl)
    }

    public static let all: [CacheCheck] = storeChecks + cacheChecks

    // MARK: - Store level

    static let storeChecks: [CacheCheck] = [
        CacheCheck(description: "set then get returns the same entry; unknown keys are nil") { make in
            let (clock, _) = CacheClock.manual()
            let store = try await make(clock, 1)[0]
            let key = CacheKey(scope: scope(), resource: .invoices, discriminator: "inv_1")
            var value = entry("hello", clock: clock)
            value.payload += [0, 13, 10, 255] + Array(repeating: 9, count: 200_000)
            try await store.set(key, value, tags: [])
            try expect(try await store.get(key) == value, "round trip changed the entry")
            try expect(try await store.get(CacheKey(scope: scope(), resource: .invoices, discriminator: "other")) == nil, "unknown key found")
        },
        CacheCheck(description: "set replaces; delete removes") { make in
            let (clock, _) = CacheClock.manual()
            let store = try await make(clock, 1)[0]
            let key = CacheKey(scope: scope(), resource: .profile)
            try await store.set(key, entry("one", clock: clock), tags: [])
            try await store.set(key, entry("two", clock: clock), tags: [])
            try expect(try await store.get(key)?.payload == Array("two".utf8), "not replaced")
            try await store.delete(key)
            try expect(try await store.get(key) == nil, "not deleted")
        },
        CacheCheck(description: "the same resource for two customers is two entries") { make in
            let (clock, _) = CacheClock.manual()
            let store = try await make(clock, 1)[0]
            let tenant = "t-\(UUID().uuidString.prefix(8))"
            let alice = CacheKey(scope: scope("alice", tenant: tenant), resource: .invoices)
            let bob = CacheKey(scope: scope("bob", tenant: tenant), resource: .invoices)
            try expect(alice.rawValue != bob.rawValue, "keys collide")
            try await store.set(alice, entry("alice's", clock: clock), tags: [])
            try expect(try await store.get(bob) == nil, "bob read alice's entry")
        },
        CacheCheck(description: "ids cannot forge another scope's key") { _ in
            let tenant = "t1"
            let forged = CacheKey(scope: scope("x}:invoices@1:all", tenant: tenant), resource: .invoices)
            let real = CacheKey(scope: scope("x", tenant: tenant), resource: .invoices, discriminator: "all")
            try expect(forged.rawValue != real.rawValue && !forged.rawValue.contains("x}"), "escaping failed: \(forged)")
        },
        CacheCheck(description: "invalidating a tag removes its entries only, in every store sharing the backing") { make in
            let (clock, _) = CacheClock.manual()
            let stores = try await make(clock, 2)
            let customer = scope()
            let invoicesTag = CacheTag(scope: customer, name: "invoices")
            let list = CacheKey(scope: customer, resource: .invoices, discriminator: "list")
            let one = CacheKey(scope: customer, resource: .invoices, discriminator: "inv_1")
            let profile = CacheKey(scope: customer, resource: .profile)
            try await stores[0].set(list, entry("list", clock: clock), tags: [invoicesTag])
            try await stores[0].set(one, entry("one", clock: clock), tags: [invoicesTag])
            try await stores[0].set(profile, entry("me", clock: clock), tags: [])
            let removed = try await stores[1].invalidate(invoicesTag)
            try expect(removed == 2, "removed \(removed), expected 2")
            let listAfter = try await stores[0].get(list)
            let oneAfter = try await stores[0].get(one)
            try expect(listAfter == nil && oneAfter == nil, "tagged entry survived")
            try expect(try await stores[0].get(profile) != nil, "untagged entry removed")
            try expect(try await stores[1].invalidate(invoicesTag) == 0, "second invalidation found entries")
        },
        CacheCheck(description: "invalidating a scope removes that customer's entries and nobody else's") { make in
            let (clock, _) = CacheClock.manual()
            let store = try await make(clock, 1)[0]
            let tenant = "t-\(UUID().uuidString.prefix(8))"
            let alice = scope("alice", tenant: tenant)
            let bob = scope("bob", tenant: tenant)
            for resource in [CacheResource.invoices, .cases, .profile] {
                try await store.set(CacheKey(scope: alice, resource: resource), entry("a", clock: clock), tags: [])
                try await store.set(CacheKey(scope: bob, resource: resource), entry("b", clock: clock), tags: [])
            }
            try expect(try await store.invalidate(.all(alice)) == 3, "alice's entries not all removed")
            try expect(try await store.get(CacheKey(scope: bob, resource: .cases)) != nil, "bob's entry removed")
        },
        CacheCheck(description: "an entry is gone once its last stale window has passed") { make in
            // A real clock and a short life: Redis expires keys by its own time. Polled, not timed.
            let store = try await make(.system, 1)[0]
            let key = CacheKey(scope: scope(), resource: .simUsage)
            try await store.set(key, entry("short", clock: .system, ttl: 1_000), tags: [])
            try expect(try await store.get(key) != nil, "not stored")
            var gone = false
            for _ in 0..<50 where !gone {
                try await Task.sleep(for: .milliseconds(100))
                gone = try await store.get(key) == nil
            }
            try expect(gone, "still there 5 s after its 1 s life")
        },
    ]

    // MARK: - Read-through behaviour

    static let cacheChecks: [CacheCheck] = [
        CacheCheck(description: "miss, then hit without calling the upstream") { make in
            let (clock, _) = CacheClock.manual()
            let cache = Cache(store: try await make(clock, 1)[0], clock: clock)
            let upstream = Upstream()
            let key = CacheKey(scope: scope(), resource: .invoices)
            let first = try await cache.fetch(key) { try await upstream.load() }
            let second = try await cache.fetch(key) { try await upstream.load() }
            try expect(first.status == .miss && second.status == .hit, "statuses \(first.status) \(second.status)")
            try expect(second.value == "v1" && upstream.calls == 1, "calls \(upstream.calls)")
        },
        CacheCheck(description: "a second customer misses where the first hits") { make in
            let (clock, _) = CacheClock.manual()
            let cache = Cache(store: try await make(clock, 1)[0], clock: clock)
            let tenant = "t-\(UUID().uuidString.prefix(8))"
            let alice = CacheKey(scope: scope("alice", tenant: tenant), resource: .invoices)
            let bob = CacheKey(scope: scope("bob", tenant: tenant), resource: .invoices)
            _ = try await cache.fetch(alice) { "alice-invoices" }
            let aliceAgain = try await cache.fetch(alice) { "wrong" }
            let bobFirst = try await cache.fetch(bob) { "bob-invoices" }
            try expect(aliceAgain.status == .hit && aliceAgain.value == "alice-invoices", "alice: \(aliceAgain.status)")
            try expect(bobFirst.status == .miss && bobFirst.value == "bob-invoices", "bob: \(bobFirst.status) \(bobFirst.value)")
        },
        CacheCheck(description: "single-flight: concurrent misses make one upstream call and share its value") { make in
            let (clock, _) = CacheClock.manual()
            let observer = CountingObserver()
            let cache = Cache(store: try await make(clock, 1)[0], clock: clock, observer: observer)
            let upstream = Upstream()
            upstream.set(gateOpen: false)
            let key = CacheKey(scope: scope(), resource: .catalog)
            let values = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<50 { group.addTask { try await cache.fetch(key) { try await upstream.load() }.value } }
                // The one load ends only after the other 49 requests have joined it.
                for _ in 0..<1000 where observer.count("coalesced") < 49 { try await Task.sleep(for: .milliseconds(5)) }
                upstream.set(gateOpen: true)
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            try expect(values.count == 50 && values.allSatisfy { $0 == "v1" }, "values \(Set(values))")
            try expect(upstream.calls == 1 && observer.count("coalesced") == 49, "upstream called \(upstream.calls) times")
        },
        CacheCheck(description: "single-flight shares a failure, and a failure is not cached") { make in
            let (clock, _) = CacheClock.manual()
            let observer = CountingObserver()
            let cache = Cache(store: try await make(clock, 1)[0], clock: clock, observer: observer)
            let upstream = Upstream()
            upstream.set(failing: true)
            upstream.set(gateOpen: false)
            let key = CacheKey(scope: scope(), resource: .cases)
            let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask { (try? await cache.fetch(key) { try await upstream.load() }) == nil }
                }
                // The one load ends only after the other 19 requests have joined it.
                for _ in 0..<1000 where observer.count("coalesced") < 19 { try await Task.sleep(for: .milliseconds(5)) }
                upstream.set(gateOpen: true)
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try expect(failures == 20 && upstream.calls == 1, "failures \(failures), calls \(upstream.calls)")
            upstream.set(failing: false)
            let after = try await cache.fetch(key) { try await upstream.load() }
            try expect(after.status == .miss && upstream.calls == 2, "failure was cached")
        },
        CacheCheck(description: "stale-while-revalidate serves STALE once past the TTL and refreshes in the background") { make in
            let (clock, advance) = CacheClock.manual()
            let observer = CountingObserver()
            let store = try await make(clock, 1)[0]
            let cache = Cache(store: store, clock: clock, observer: observer)
            let upstream = Upstream()
            let key = CacheKey(scope: scope(), resource: .simUsage)
            _ = try await cache.fetch(key) { try await upstream.load() }
            upstream.set(value: "v2")
            advance(.seconds(45))  // TTL 30 s, stale-while-revalidate 30 s more
            let stale = try await cache.fetch(key) { try await upstream.load() }
            try expect(stale.status == .stale && stale.value == "v1", "got \(stale.status) \(stale.value)")
            // Watch the store, not the cache: polling through the cache would itself start refreshes.
            var landed = false
            for _ in 0..<200 where !landed {
                try await Task.sleep(for: .milliseconds(10))
                landed = try await store.get(key)?.payload == Array(#""v2""#.utf8)
            }
            try expect(landed, "background refresh never landed")
            let refreshed = try await cache.fetch(key) { try await upstream.load() }
            try expect(refreshed.status == .hit, "after the refresh: \(refreshed.status)")
            try expect(refreshed.value == "v2", "refreshed value \(refreshed.value)")
            try expect(upstream.calls == 2, "refresh ran \(upstream.calls - 1) times")
            try expect(observer.count("stale.revalidating") >= 1 && observer.count("load.ok") == 2, "observer \(observer.counts.withLockedValue { $0 })")
        },
        CacheCheck(description: "stale-if-error serves the old value while the upstream fails, until its window ends") { make in
            let (clock, advance) = CacheClock.manual()
            let cache = Cache(store: try await make(clock, 1)[0], clock: clock)
            let upstream = Upstream()
            let key = CacheKey(scope: scope(), resource: .invoices)
            _ = try await cache.fetch(key) { try await upstream.load() }
            upstream.set(failing: true)
            advance(.seconds(200))  // TTL 90 s + 90 s revalidate passed; stale-if-error lasts 900 s after the TTL
            let rescued = try await cache.fetch(key) { try await upstream.load() }
            try expect(rescued.status == .stale && rescued.value == "v1", "got \(rescued.status)")
            advance(.seconds(900))
            var failed = false
            do { _ = try await cache.fetch(key) { try await upstream.load() } } catch { failed = true }
            try expect(failed, "served stale past the stale-if-error window")
        },
        CacheCheck(description: "tag invalidation through one cache instance reaches another sharing the store") { make in
            let (clock, _) = CacheClock.manual()
            let stores = try await make(clock, 2)
            let first = Cache(store: stores[0], clock: clock)
            let second = Cache(store: stores[1], clock: clock)
            let customer = scope()
            let tag = CacheTag(scope: customer, name: "invoices")
            let key = CacheKey(scope: customer, resource: .invoices)
            _ = try await first.fetch(key, tags: [tag]) { "unpaid" }
            try expect(try await first.fetch(key, tags: [tag]) { "x" }.status == .hit, "not cached")
            try await second.invalidate(tag)
            let after = try await first.fetch(key, tags: [tag]) { "paid" }
            try expect(after.status == .miss && after.value == "paid", "invalidation did not reach the first instance")
        },
        CacheCheck(description: "a value of another shape under the same key is a miss, not a misread") { make in
            let (clock, _) = CacheClock.manual()
            let cache = Cache(store: try await make(clock, 1)[0], clock: clock)
            let key = CacheKey(scope: scope(), resource: .profile)
            _ = try await cache.fetch(key) { ["a": 1] }
            let other = try await cache.fetch(key, as: [String].self) { ["fresh"] }
            try expect(other.status == .miss && other.value == ["fresh"], "misread \(other.status)")
        },
    ]
}
