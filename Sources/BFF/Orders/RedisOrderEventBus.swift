public import Domain
public import Foundation
public import Logging
import NIOConcurrencyHelpers
public import RedisClient

/// The bus across processes: entries are published on one Redis channel and every BFF process delivers them to
/// its own listeners.
///
/// - Publishing is `PUBLISH <prefix>:order-events <json entry>` through the pool. If that fails, the entry is still
///   delivered to this process's listeners (a stream elsewhere finds it in the stored timeline at its next entry
///   or keep-alive, see ``OrderEventStream``).
/// - Each bus (one per process) holds one ``RedisSubscriber`` on that channel, started by the first listener and
///   kept until ``close()`` (listeners come and go with SSE clients; reconnecting for each would only add churn);
///   messages are fanned out to the listeners of their order, a listener is removed when its stream ends.
/// - Pub/sub does not buffer: whenever the subscription is (re)established, every listener gets
///   ``OrderBusEvent/resync`` and re-reads the stored timeline after its last entry. That covers both the gap of a
///   Redis reconnect and the moment between a listener's arrival and the first subscription confirming.
public final class RedisOrderEventBus: OrderEventBus {
    let pool: RedisPool
    let configuration: RedisConfiguration
    let keyPrefix: String
    let logger: Logger

    private struct Subscription {
        let subscriber: RedisSubscriber
        let pump: Task<Void, Never>

        func stop() {
            subscriber.close()
            pump.cancel()
        }
    }

    private struct State {
        var table = OrderListenerTable()
        var subscription: Subscription?
        var confirmations = 0
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    public init(pool: RedisPool, configuration: RedisConfiguration, keyPrefix: String = "atrium", logger: Logger) {
        self.pool = pool
        self.configuration = configuration
        self.keyPrefix = keyPrefix
        self.logger = logger
    }

    /// The pub/sub channel of the order events under `prefix`.
    public static func channel(prefix: String) -> String { "\(prefix):order-events" }

    public var channel: String { Self.channel(prefix: keyPrefix) }

    public func publish(_ entry: OrderTimelineEntry) async {
        do {
            let payload = try JSONEncoder().encode(entry)
            try await pool.send("PUBLISH", channel, Array(payload))
        } catch {
            logger.warning(
                "order event not published on Redis; delivered in this process only",
                metadata: ["order": "\(entry.orderID)", "seq": "\(entry.seq)", "error": "\(error)"]
            )
            deliver(entry)
        }
    }

    /// - Throws: ``RedisError`` (`.poolClosed`) once the bus is closed.
    public func updates(orderID: UUID) async throws -> AsyncStream<OrderBusEvent> {
        let (stream, listener) = OrderListenerTable.makeListener()
        listener.continuation.onTermination = { [weak self] _ in self?.remove(listener.id, of: orderID) }
        let added = state.withLockedValue { state -> Bool in
            guard !state.closed else { return false }
            state.table.add(listener, for: orderID)
            if state.subscription == nil { state.subscription = startSubscription() }
            return true
        }
        guard added else { throw RedisError(.poolClosed, "the order event bus is closed") }
        return stream
    }

    /// Stops the subscription and ends every listener's stream; later ``updates(orderID:)`` calls throw.
    public func close() {
        let (subscription, listeners) = state.withLockedValue { state in
            state.closed = true
            defer {
                state.subscription = nil
                state.table = OrderListenerTable()
            }
            return (state.subscription, state.table.all)
        }
        subscription?.stop()
        for listener in listeners { listener.continuation.finish() }
    }

    /// Listeners currently attached in this process.
    public var listenerCount: Int { state.withLockedValue { $0.table.count } }

    /// Whether the Redis subscription has been started (by a first listener) and not closed.
    public var isSubscribing: Bool { state.withLockedValue { $0.subscription != nil } }

    /// How many times Redis confirmed the subscription: 1 once it is live, one more after each reconnect.
    public var subscriptionConfirmations: Int { state.withLockedValue { $0.confirmations } }

    // MARK: - Fan-out

    /// Called under the state lock: creating the subscriber only starts a task.
    private func startSubscription() -> Subscription {
        let subscriber = RedisSubscriber(
            configuration: configuration, channels: [channel], logger: logger
        )
        let pump = Task { [weak self] in
            for await event in subscriber.events {
                guard let self else { return }
                self.handle(event)
            }
        }
        return Subscription(subscriber: subscriber, pump: pump)
    }

    private func handle(_ event: RedisPubSubEvent) {
        switch event {
        case .subscribed:
            let (listeners, count) = state.withLockedValue { state in
                state.confirmations += 1
                return (state.table.all, state.confirmations)
            }
            if count > 1 {
                logger.info("order events resubscribed; listeners re-read their timelines", metadata: ["listeners": "\(listeners.count)"])
            } else {
                logger.debug("order events subscribed", metadata: ["listeners": "\(listeners.count)"])
            }
            for listener in listeners { listener.send(.resync) }
        case .message(_, let payload):
            do {
                deliver(try JSONDecoder().decode(OrderTimelineEntry.self, from: Data(payload)))
            } catch {
                logger.warning("undecodable order event ignored", metadata: ["bytes": "\(payload.count)"])
            }
        }
    }

    private func deliver(_ entry: OrderTimelineEntry) {
        let targets = state.withLockedValue { $0.table.listeners(of: entry.orderID) }
        for listener in targets { listener.send(.entry(entry)) }
    }

    private func remove(_ id: UUID, of orderID: UUID) {
        state.withLockedValue { $0.table.remove(id, of: orderID) }
    }

    deinit {
        state.withLockedValue { $0.subscription }?.stop()
    }
}
