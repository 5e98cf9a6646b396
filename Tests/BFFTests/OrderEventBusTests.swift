@testable import BFF
import Domain
import Foundation
import Logging
import RedisClient
import TestSupport
import Testing

/// The order event buses: fan-out to the listeners of one order, cleanup, the resync signal; Redis across two
/// pools (two processes' worth of buses).
@Suite("Order event bus")
struct OrderEventBusTests {
    static let logger = Logger(label: "test.order-events")

    static func entry(_ orderID: UUID, _ seq: Int, _ status: OrderStatus = .pendingApproval) -> OrderTimelineEntry {
        OrderTimelineEntry(orderID: orderID, seq: seq, at: Date(timeIntervalSince1970: 1_750_000_000 + Double(seq)), step: "s\(seq)", outcome: .transitioned, status: status, reason: "r\(seq)")
    }

    /// The next event, or nil when none arrives within `limit` (a bound for a broken test, not a timing assertion).
    static func next(_ iterator: inout AsyncStream<OrderBusEvent>.Iterator, within limit: Duration = .seconds(10)) async -> OrderBusEvent? {
        let box = IteratorBox(iterator)
        let result = await withTaskGroup(of: OrderBusEvent?.self) { group in
            group.addTask { await box.next() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        iterator = box.iterator
        return result
    }

    // MARK: - Memory

    @Test func memoryBusDeliversToTheOrdersListenersOnly() async throws {
        let bus = MemoryOrderEventBus()
        let (x, y) = (UUID(), UUID())
        var listenerX = try await bus.updates(orderID: x).makeAsyncIterator()
        var listenerY = try await bus.updates(orderID: y).makeAsyncIterator()
        await bus.publish(Self.entry(x, 1))
        await bus.publish(Self.entry(y, 1))
        await bus.publish(Self.entry(x, 2))
        #expect(await listenerX.next() == .entry(Self.entry(x, 1)))
        #expect(await listenerX.next() == .entry(Self.entry(x, 2)))
        #expect(await listenerY.next() == .entry(Self.entry(y, 1)))
        #expect(bus.listenerCount == 2)
    }

    /// The next entry, skipping resync signals; nil when none arrives in time or the stream ends.
    static func nextEntry(_ iterator: inout AsyncStream<OrderBusEvent>.Iterator) async -> OrderTimelineEntry? {
        while let event = await next(&iterator) {
            if case .entry(let entry) = event { return entry }
        }
        return nil
    }

    /// Subscribes and drops the stream unread when this function returns (debug builds keep locals to the end of
    /// their scope, so the drop needs a scope of its own); returns the count while it was held.
    static func subscribeAndDrop(_ bus: some OrderEventBus, orderID: UUID, count: () -> Int) async throws -> Int {
        let stream = try await bus.updates(orderID: orderID)
        return withExtendedLifetime(stream) { count() }
    }

    @Test func memoryListenersAreRemovedWhenDroppedOrCancelled() async throws {
        let bus = MemoryOrderEventBus()
        let order = UUID()
        #expect(try await Self.subscribeAndDrop(bus, orderID: order) { bus.listenerCount } == 1)
        #expect(bus.listenerCount == 0, "a stream dropped without being read")

        let updates = try await bus.updates(orderID: order)
        let reader = Task { for await _ in updates {} }
        #expect(bus.listenerCount == 1)
        reader.cancel()
        await reader.value
        #expect(bus.listenerCount == 0, "a reader cancelled while waiting")

        // The entries-only adapter cleans up too.
        let entries = Task { for await _ in try await bus.subscribe(orderID: order) {} }
        #expect(await eventually { bus.listenerCount == 1 })
        entries.cancel()
        _ = await entries.result
        #expect(await eventually { bus.listenerCount == 0 })
    }

    @Test func aListenerThatFallsBehindIsToldToResync() async throws {
        let bus = MemoryOrderEventBus()
        let order = UUID()
        let updates = try await bus.updates(orderID: order)
        let total = OrderListenerTable.bufferSize + 10
        for seq in 1...total { await bus.publish(Self.entry(order, seq)) }
        var events: [OrderBusEvent] = []
        for await event in updates {
            events.append(event)
            if events.count == OrderListenerTable.bufferSize { break }
        }
        #expect(events.last == .resync, "the overflow must end in a resync so the reader re-reads the timeline")
        #expect(!events.contains(.entry(Self.entry(order, 1))), "the oldest entries were the ones dropped")
    }

    // MARK: - Redis

    @Test func anEntryPublishedThroughOnePoolReachesAListenerOfAnotherBus() async throws {
        let prefix = TestEnv.uniquePrefix("bus")
        let poolA = try TestEnv.redisPool()
        let poolB = try TestEnv.redisPool()
        let busA = RedisOrderEventBus(pool: poolA, configuration: poolA.configuration, keyPrefix: prefix, logger: Self.logger)
        let busB = RedisOrderEventBus(pool: poolB, configuration: poolB.configuration, keyPrefix: prefix, logger: Self.logger)
        let other = RedisOrderEventBus(pool: poolB, configuration: poolB.configuration, keyPrefix: prefix + "-other", logger: Self.logger)
        defer {
            busA.close()
            busB.close()
            other.close()
        }
        let (x, y) = (UUID(), UUID())
        var onB = try await busB.updates(orderID: x).makeAsyncIterator()
        var onBForY = try await busB.updates(orderID: y).makeAsyncIterator()
        var otherPrefix = try await other.updates(orderID: x).makeAsyncIterator()
        // Once Redis confirms the subscription (listeners waiting then get a resync), nothing published is missed.
        #expect(await eventually { busB.subscriptionConfirmations == 1 && other.subscriptionConfirmations == 1 })
        #expect(busB.isSubscribing && !busA.isSubscribing, "a bus subscribes only once someone listens")

        await busA.publish(Self.entry(x, 1))
        await busA.publish(Self.entry(y, 1))
        await busA.publish(Self.entry(x, 2, .approved))
        #expect(await Self.nextEntry(&onB) == Self.entry(x, 1))
        #expect(await Self.nextEntry(&onB) == Self.entry(x, 2, .approved), "entries keep their fields and order")
        #expect(await Self.nextEntry(&onBForY) == Self.entry(y, 1), "each listener gets its own order's entries only")
        // Another key prefix is another deployment: it hears nothing (the next thing it gets is its own publish).
        await other.publish(Self.entry(x, 9))
        #expect(await Self.nextEntry(&otherPrefix) == Self.entry(x, 9))
        await poolA.close()
        await poolB.close()
    }

    @Test func redisListenersAreCleanedUpAndCloseEndsTheSubscription() async throws {
        let prefix = TestEnv.uniquePrefix("bus")
        let pool = try TestEnv.redisPool()
        let bus = RedisOrderEventBus(pool: pool, configuration: pool.configuration, keyPrefix: prefix, logger: Self.logger)
        let order = UUID()
        #expect(!bus.isSubscribing, "nothing is subscribed before the first listener")
        #expect(try await Self.subscribeAndDrop(bus, orderID: order) { bus.listenerCount } == 1)
        #expect(bus.listenerCount == 0, "a stream dropped without being read")
        #expect(bus.isSubscribing, "the subscription stays for the next listener")
        #expect(await eventually { bus.subscriptionConfirmations == 1 })

        let first = try await bus.updates(orderID: order)
        let reader = Task { for await _ in first {} }
        var second = try await bus.updates(orderID: order).makeAsyncIterator()
        #expect(bus.listenerCount == 2)
        reader.cancel()
        await reader.value
        #expect(bus.listenerCount == 1, "a cancelled reader's listener is removed")

        // The remaining listener still hears the order.
        await bus.publish(Self.entry(order, 3))
        #expect(await Self.next(&second) == .entry(Self.entry(order, 3)))

        bus.close()
        #expect(await Self.next(&second) == nil, "closing the bus ends its listeners' streams")
        #expect(!bus.isSubscribing && bus.listenerCount == 0)
        await #expect(throws: RedisError.self) { _ = try await bus.updates(orderID: order) }
        await pool.close()
    }

    @Test func afterRedisRestartsListenersAreToldToResync() async throws {
        let server = try RedisServerProcess()
        try server.start()
        defer { server.kill() }
        let configuration = try RedisConfiguration(url: server.url)
        let pool = RedisPool(configuration: configuration)
        let bus = RedisOrderEventBus(pool: pool, configuration: configuration, keyPrefix: TestEnv.uniquePrefix("bus"), logger: Self.logger)
        defer { bus.close() }
        let order = UUID()
        var listener = try await bus.updates(orderID: order).makeAsyncIterator()
        #expect(await Self.next(&listener) == .resync)

        // Redis dies and comes back: messages in the gap are gone, so the listener is told to re-read.
        server.kill()
        try server.start()
        #expect(await Self.next(&listener, within: .seconds(30)) == .resync)
        #expect(bus.subscriptionConfirmations == 2)
        await bus.publish(Self.entry(order, 7))
        #expect(await Self.next(&listener) == .entry(Self.entry(order, 7)))
        await pool.close()
    }

    @Test func whenPublishingFailsThisProcessStillHearsTheEntry() async throws {
        // Nothing listens on this port: the pool cannot publish, and the subscriber keeps retrying in the background.
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(try freeLoopbackPort())")
        let pool = RedisPool(configuration: configuration)
        let bus = RedisOrderEventBus(pool: pool, configuration: configuration, keyPrefix: "unused", logger: Self.logger)
        defer { bus.close() }
        let order = UUID()
        var listener = try await bus.updates(orderID: order).makeAsyncIterator()
        await bus.publish(Self.entry(order, 1))
        #expect(await Self.next(&listener) == .entry(Self.entry(order, 1)))
        await pool.close()
    }
}

/// Lets a child task read an iterator the test owns (one reader at a time).
private final class IteratorBox: @unchecked Sendable {
    var iterator: AsyncStream<OrderBusEvent>.Iterator

    init(_ iterator: AsyncStream<OrderBusEvent>.Iterator) { self.iterator = iterator }

    func next() async -> OrderBusEvent? { await iterator.next() }
}
