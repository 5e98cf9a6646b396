public import Domain
public import Foundation
import NIOConcurrencyHelpers

/// What a listener of ``OrderEventBus`` receives.
public enum OrderBusEvent: Sendable, Hashable {
    /// A new timeline entry of the order.
    case entry(OrderTimelineEntry)
    /// Entries may have been missed (Redis reconnected after a gap, or the listener fell behind and its buffer
    /// overflowed): re-read the stored timeline after the last entry seen.
    case resync
}

/// Fans an order's new timeline entries out to every live listener (`GET /api/v1/orders/{id}/events`), in this
/// process (memory) or in every BFF process (Redis pub/sub).
///
/// Delivery is best effort: a listener that connects late or misses a message (Redis reconnecting) catches up
/// from the stored timeline (`Last-Event-ID`, ``OrderBusEvent/resync``), which is the source of truth.
public protocol OrderEventBus: Sendable {
    /// Sends `entry` to the listeners of its order.
    func publish(_ entry: OrderTimelineEntry) async
    /// Entries of `orderID` published from now on, and ``OrderBusEvent/resync`` when some may have been lost,
    /// until the consumer stops iterating (or cancels, or drops the stream).
    func updates(orderID: UUID) async throws -> AsyncStream<OrderBusEvent>
}

extension OrderEventBus {
    /// Entries of `orderID` published from now on, without the resync signals (for consumers that keep no state).
    public func subscribe(orderID: UUID) async throws -> AsyncStream<OrderTimelineEntry> {
        let updates = try await updates(orderID: orderID)
        return AsyncStream(bufferingPolicy: .bufferingNewest(OrderListenerTable.bufferSize)) { continuation in
            let forward = Task {
                for await update in updates {
                    if case .entry(let entry) = update { continuation.yield(entry) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in forward.cancel() }
        }
    }
}

/// The bus of one process: listeners and publishers share memory (the embedded default).
public final class MemoryOrderEventBus: OrderEventBus {
    private let table = NIOLockedValueBox(OrderListenerTable())

    public init() {}

    public func publish(_ entry: OrderTimelineEntry) async {
        let targets = table.withLockedValue { $0.listeners(of: entry.orderID) }
        for listener in targets { listener.send(.entry(entry)) }
    }

    public func updates(orderID: UUID) async throws -> AsyncStream<OrderBusEvent> {
        let (stream, listener) = OrderListenerTable.makeListener()
        listener.continuation.onTermination = { [table] _ in
            table.withLockedValue { $0.remove(listener.id, of: orderID) }
        }
        table.withLockedValue { $0.add(listener, for: orderID) }
        return stream
    }

    /// Listeners currently attached (for tests of the cleanup).
    public var listenerCount: Int { table.withLockedValue { $0.count } }
}

/// The listeners of a bus by order: a plain value kept under the bus's lock.
struct OrderListenerTable: Sendable {
    /// Events a listener may have unread before the oldest are dropped (and a ``OrderBusEvent/resync`` is queued).
    static let bufferSize = 256

    struct Listener: Sendable {
        let id: UUID
        let continuation: AsyncStream<OrderBusEvent>.Continuation

        /// Queues `event`; when that pushed an unread event out, queues a resync after it, so the consumer re-reads
        /// the stored timeline instead of silently missing an entry.
        func send(_ event: OrderBusEvent) {
            if case .dropped = continuation.yield(event) { continuation.yield(.resync) }
        }
    }

    private var byOrder: [UUID: [Listener]] = [:]

    /// A new listener and the stream it feeds.
    static func makeListener() -> (AsyncStream<OrderBusEvent>, Listener) {
        let (stream, continuation) = AsyncStream.makeStream(of: OrderBusEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        return (stream, Listener(id: UUID(), continuation: continuation))
    }

    mutating func add(_ listener: Listener, for orderID: UUID) { byOrder[orderID, default: []].append(listener) }

    mutating func remove(_ id: UUID, of orderID: UUID) {
        byOrder[orderID]?.removeAll { $0.id == id }
        if byOrder[orderID]?.isEmpty == true { byOrder[orderID] = nil }
    }

    func listeners(of orderID: UUID) -> [Listener] { byOrder[orderID] ?? [] }
    var all: [Listener] { byOrder.values.flatMap { $0 } }
    var count: Int { byOrder.values.reduce(0) { $0 + $1.count } }
}
