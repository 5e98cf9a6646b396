public import Domain
public import Foundation
public import Logging

/// The one way orders change: loads, applies the state machine, stores with optimistic locking (retrying on a
/// version conflict with the fresh order), appends to the timeline and publishes the entry to live listeners.
///
/// Used by the order routes, the fulfillment saga and webhook processing alike, so every change is on the
/// timeline and on the live stream.
public struct OrderLedger: Sendable {
    public let orders: any OrderRepository
    public let events: any OrderEventBus
    public let clock: AppClock
    public let logger: Logger

    /// Version conflicts retried before giving up (each retry re-reads the order and decides again).
    static let conflictRetries = 8

    public init(orders: any OrderRepository, events: any OrderEventBus, clock: AppClock, logger: Logger) {
        self.orders = orders
        self.events = events
        self.clock = clock
        self.logger = logger
    }

    /// Creates `order` with its first entry (`order` / `transitioned`) and publishes it.
    public func create(_ order: Order, reason: String? = nil) async throws -> OrderTimelineEntry {
        let entry = try await orders.create(order, event: OrderEventDraft(step: "order", outcome: .transitioned, reason: reason), at: clock.now())
        await events.publish(entry)
        return entry
    }

    /// Moves the order to `status`, applying `mutate` to the fresh value first (ids, reason, saga state).
    ///
    /// - Throws: ``OrderTransitionError`` when the current status cannot move to `status` (``OrderTransitionError/isNoOp``
    ///   when it is already there), ``StoreError`` (`notFound`, or `conflict` after too many concurrent writers).
    @discardableResult
    public func transition(
        orderID: UUID, to status: OrderStatus, step: String = "order", reason: String? = nil,
        mutate: @Sendable (inout Order) -> Void = { _ in }
    ) async throws -> Order {
        try await write(orderID: orderID, event: OrderEventDraft(step: step, outcome: .transitioned, reason: reason)) { order in
            mutate(&order)
            try order.transition(to: status)
        }
    }

    /// Changes fields other than the status (ids, saga state) and records `event` when given.
    @discardableResult
    public func update(orderID: UUID, event: OrderEventDraft?, mutate: @Sendable (inout Order) throws -> Void) async throws -> Order {
        try await write(orderID: orderID, event: event, mutate)
    }

    /// Appends a progress entry (a saga step started, waited, failed) and publishes it.
    @discardableResult
    public func record(orderID: UUID, step: String, outcome: TimelineOutcome, reason: String? = nil) async throws -> OrderTimelineEntry {
        let entry = try await orders.appendEvent(orderID: orderID, OrderEventDraft(step: step, outcome: outcome, reason: reason), at: clock.now())
        await events.publish(entry)
        return entry
    }

    private func write(orderID: UUID, event: OrderEventDraft?, _ mutate: @Sendable (inout Order) throws -> Void) async throws -> Order {
        var attempt = 0
        while true {
            guard var order = try await orders.order(id: orderID) else { throw StoreError(.notFound, "no such order") }
            try mutate(&order)
            do {
                let (stored, entry) = try await orders.update(order, event: event, at: clock.now())
                if let entry { await events.publish(entry) }
                return stored
            } catch let error as StoreError where error.code == .conflict && attempt < Self.conflictRetries {
                attempt += 1
                logger.debug("order version conflict, retrying", metadata: ["order": "\(orderID)", "attempt": "\(attempt)"])
            }
        }
    }
}

extension OrderLedger {
    /// Starts the next saga generation of a failed order (a staff retry, ``Domain/Order/startNextSagaGeneration()``)
    /// with a `transitioned` entry of `step`, when the order is still at saga generation `generation`.
    ///
    /// - Parameter reason: The timeline reason, given the new generation.
    /// - Throws: ``Domain/SagaRetryRefused`` when the order is no longer retryable as a new generation (another
    ///   retry, a refund got there first), ``StoreError``.
    public func startNextSagaGeneration(
        orderID: UUID, after generation: Int, step: String, reason: @Sendable (Int) -> String
    ) async throws -> Order {
        let event = OrderEventDraft(step: step, outcome: .transitioned, reason: reason(generation + 1))
        return try await update(orderID: orderID, event: event) { order in
            guard order.sagaGeneration == generation else { throw SagaRetryRefused(status: order.status, saga: order.saga) }
            try order.startNextSagaGeneration()
        }
    }
}
