public import Domain
public import Foundation
import NIOConcurrencyHelpers

/// Fans an order's new timeline entries out to every live listener (`GET /api/v1/orders/{id}/events`), in this
/// process (memory) or in every BFF process (Redis pub/sub).
///
/// Delivery is best effort: a listener that connects late or misses a message (Redis reconnecting) catches up
/// from the stored timeline (`Last-Event-ID`), which is the source of truth.
public protocol OrderEventBus: Sendable {
    /// Sends `entry` to the listeners of its order.
    func publish(_ entry: OrderTimelineEntry) async
    /// Entries of `orderID` published from now on, until the consumer stops iterating (or cancels).
    func subscribe(orderID: UUID) async throws -> AsyncStream<OrderTimelineEntry>
}

/// The bus of one process: listeners and publishers share memory (the embedded default).
public final class MemoryOrderEventBus: OrderEventBus {
    private struct Listener {
        let id: UUID
        let continuation: AsyncStream<OrderTimelineEntry>.Continuation
    }

    private let listeners = NIOLockedValueBox([UUID: [Listener]]())

    public init() {}

    public func publish(_ entry: OrderTimelineEntry) async {
        let targets = listeners.withLockedValue { $0[entry.orderID] ?? [] }
        for listener in targets { listener.continuation.yield(entry) }
    }

    public func subscribe(orderID: UUID) async throws -> AsyncStream<OrderTimelineEntry> {
        let (stream, continuation) = AsyncStream.makeStream(of: OrderTimelineEntry.self, bufferingPolicy: .bufferingNewest(1_000))
        let listener = Listener(id: UUID(), continuation: continuation)
        listeners.withLockedValue { $0[orderID, default: []].append(listener) }
        continuation.onTermination = { [listeners] _ in
            listeners.withLockedValue { all in
                all[orderID]?.removeAll { $0.id == listener.id }
                if all[orderID]?.isEmpty == true { all[orderID] = nil }
            }
        }
        return stream
    }

    /// Listeners currently attached (for tests of the cleanup).
    public var listenerCount: Int { listeners.withLockedValue { $0.values.reduce(0) { $0 + $1.count } } }
}
