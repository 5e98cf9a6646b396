import NIOConcurrencyHelpers

/// An in-process cache store with a byte budget and least-recently-used eviction.
///
/// For the embedded default and tests; one process only, so invalidation reaches this process only.
/// Expired entries are dropped when read or when the budget needs room.
public final class MemoryCacheStore: CacheStore {
    // @unchecked: nodes are created, linked and read only while `state`'s lock is held.
    private final class Node: @unchecked Sendable {
        let key: String
        var entry: CacheEntry
        var tags: [String]
        var previous: Node?
        var next: Node?

        init(key: String, entry: CacheEntry, tags: [String]) {
            self.key = key
            self.entry = entry
            self.tags = tags
        }

        var cost: Int { entry.payload.count + key.utf8.count + 64 }
    }

    private struct State {
        var nodes: [String: Node] = [:]
        var tags: [String: Set<String>] = [:]
        /// Most recently used first.
        var head: Node?
        var tail: Node?
        var bytes = 0
        var evictions = 0
    }

    private let state = NIOLockedValueBox(State())
    public let maxBytes: Int
    private let clock: CacheClock

    /// - Parameter maxBytes: the budget for payloads plus per-entry overhead; the least recently used
    ///   entries are evicted past it.
    public init(maxBytes: Int = 64 << 20, clock: CacheClock = .system) {
        self.maxBytes = maxBytes
        self.clock = clock
    }

    public func get(_ key: CacheKey) async throws -> CacheEntry? {
        let now = clock.nowMillis()
        return state.withLockedValue { state in
            guard let node = state.nodes[key.rawValue] else { return nil }
            if node.entry.expiresAt <= now {
                Self.remove(node, from: &state)
                return nil
            }
            Self.unlink(node, from: &state)
            Self.pushFront(node, into: &state)
            return node.entry
        }
    }

    public func set(_ key: CacheKey, _ entry: CacheEntry, tags: [CacheTag]) async throws {
        let tagKeys = (tags + [.all(key.scope)]).map(\.rawValue)
        state.withLockedValue { state in
            if let old = state.nodes[key.rawValue] { Self.remove(old, from: &state) }
            let node = Node(key: key.rawValue, entry: entry, tags: tagKeys)
            guard node.cost <= maxBytes else { return }
            state.nodes[key.rawValue] = node
            for tag in tagKeys { state.tags[tag, default: []].insert(key.rawValue) }
            Self.pushFront(node, into: &state)
            state.bytes += node.cost
            while state.bytes > maxBytes, let victim = state.tail {
                Self.remove(victim, from: &state)
                state.evictions += 1
            }
        }
    }

    public func delete(_ key: CacheKey) async throws {
        state.withLockedValue { state in
            if let node = state.nodes[key.rawValue] { Self.remove(node, from: &state) }
        }
    }

    @discardableResult
    public func invalidate(_ tag: CacheTag) async throws -> Int {
        state.withLockedValue { state in
            guard let members = state.tags.removeValue(forKey: tag.rawValue) else { return 0 }
            var removed = 0
            for key in members {
                if let node = state.nodes[key] {
                    Self.remove(node, from: &state)
                    removed += 1
                }
            }
            return removed
        }
    }

    /// Entries held, bytes used, entries evicted so far: for tests and metrics.
    public var statistics: (entries: Int, bytes: Int, evictions: Int) {
        state.withLockedValue { ($0.nodes.count, $0.bytes, $0.evictions) }
    }

    private static func remove(_ node: Node, from state: inout State) {
        unlink(node, from: &state)
        state.nodes.removeValue(forKey: node.key)
        state.bytes -= node.cost
        for tag in node.tags {
            state.tags[tag]?.remove(node.key)
            if state.tags[tag]?.isEmpty == true { state.tags.removeValue(forKey: tag) }
        }
    }

    private static func unlink(_ node: Node, from state: inout State) {
        if let previous = node.previous { previous.next = node.next } else if state.head === node { state.head = node.next }
        if let next = node.next { next.previous = node.previous } else if state.tail === node { state.tail = node.previous }
        node.previous = nil
        node.next = nil
    }

    private static func pushFront(_ node: Node, into state: inout State) {
        node.next = state.head
        state.head?.previous = node
        state.head = node
        if state.tail == nil { state.tail = node }
    }
}
