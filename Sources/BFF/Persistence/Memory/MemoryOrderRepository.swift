public import Domain
public import Foundation
import NIOConcurrencyHelpers

/// Orders in process memory (embedded default, tests of the memory half of the conformance suite).
///
/// Keeps the PostgreSQL repository's rules: dates at microsecond precision (``Foundation/Date/storedPrecision``),
/// one currency for subtotal, tax and total, and an idempotency key unique across all saga steps. Unlike
/// PostgreSQL it cannot check that the order's user exists (the users live in another repository).
public final class MemoryOrderRepository: OrderRepository {
    private struct State {
        var orders: [UUID: Order] = [:]
        var timelines: [UUID: [OrderTimelineEntry]] = [:]
        var steps: [UUID: [SagaStepRecord]] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func create(_ order: Order, event: OrderEventDraft, at: Date) async throws -> OrderTimelineEntry {
        try order.checkSingleCurrency()
        let at = at.storedPrecision
        return try state.withLockedValue { state in
            guard state.orders[order.id] == nil else { throw StoreError(.conflict, "order id taken") }
            for other in state.orders.values {
                if let id = order.crmOrderID, other.crmOrderID == id { throw StoreError(.conflict, "CRM order id taken") }
                if let id = order.billingOrderID, other.billingOrderID == id { throw StoreError(.conflict, "billing order id taken") }
            }
            let stored = Order(
                id: order.id, tenant: order.tenant, userID: order.userID, status: order.status, version: 1, items: order.items,
                subtotal: order.subtotal, tax: order.tax, total: order.total, crmOrderID: order.crmOrderID,
                billingOrderID: order.billingOrderID, failureReason: order.failureReason, saga: order.saga,
                sagaGeneration: order.sagaGeneration, createdAt: order.createdAt.storedPrecision, updatedAt: order.updatedAt.storedPrecision
            )
            state.orders[order.id] = stored
            let entry = OrderTimelineEntry(
                orderID: order.id, seq: 1, at: at, step: event.step, outcome: event.outcome, status: order.status, reason: event.reason
            )
            state.timelines[order.id] = [entry]
            return entry
        }
    }

    public func order(id: UUID) async throws -> Order? { state.withLockedValue { $0.orders[id] } }

    public func order(crmOrderID: String) async throws -> Order? {
        state.withLockedValue { $0.orders.values.first { $0.crmOrderID == crmOrderID } }
    }

    public func orders(userID: UUID, after: OrderPageKey?, limit: Int) async throws -> [Order] {
        try await orders(filter: OrderFilter(userID: userID), after: after, limit: limit)
    }

    public func orders(filter: OrderFilter, after: OrderPageKey?, limit: Int) async throws -> [Order] {
        // Bounds at the stored precision, as PostgreSQL compares them.
        let from = filter.createdFrom?.storedPrecision
        let until = filter.createdUntil?.storedPrecision
        let after = after.map { OrderPageKey(createdAt: $0.createdAt.storedPrecision, id: $0.id) }
        return state.withLockedValue { state in
            state.orders.values
                .filter { order in
                    (filter.tenant.map { $0 == order.tenant } ?? true)
                        && (filter.status.map { $0 == order.status } ?? true)
                        && (filter.userID.map { $0 == order.userID } ?? true)
                        && (from.map { order.createdAt >= $0 } ?? true)
                        && (until.map { order.createdAt < $0 } ?? true)
                        && (after.map { Self.isAfter(order, $0) } ?? true)
                }
                .sorted { Self.isAfter($1, OrderPageKey(createdAt: $0.createdAt, id: $0.id)) }
                .prefix(max(0, limit))
                .map { $0 }
        }
    }

    /// Newest first: `order` comes after `key` when it is older, or as old with a smaller id.
    private static func isAfter(_ order: Order, _ key: OrderPageKey) -> Bool {
        if order.createdAt != key.createdAt { return order.createdAt < key.createdAt }
        return order.id.uuidString.lowercased() < key.id.uuidString.lowercased()
    }

    public func update(_ order: Order, event: OrderEventDraft?, at: Date) async throws -> (order: Order, entry: OrderTimelineEntry?) {
        try order.checkSingleCurrency()
        let at = at.storedPrecision
        return try state.withLockedValue { state in
            guard let current = state.orders[order.id] else { throw StoreError(.notFound, "no such order") }
            guard current.version == order.version else { throw StoreError(.conflict, "order version moved on") }
            for other in state.orders.values where other.id != order.id {
                if let id = order.crmOrderID, other.crmOrderID == id { throw StoreError(.conflict, "CRM order id taken") }
                if let id = order.billingOrderID, other.billingOrderID == id { throw StoreError(.conflict, "billing order id taken") }
            }
            // Tenant, user and creation time never change (the PostgreSQL update does not write them).
            let stored = Order(
                id: current.id, tenant: current.tenant, userID: current.userID, status: order.status, version: current.version + 1,
                items: order.items, subtotal: order.subtotal, tax: order.tax, total: order.total, crmOrderID: order.crmOrderID,
                billingOrderID: order.billingOrderID, failureReason: order.failureReason, saga: order.saga,
                sagaGeneration: order.sagaGeneration, createdAt: current.createdAt, updatedAt: at
            )
            state.orders[order.id] = stored
            guard let event else { return (stored, nil) }
            let entry = Self.append(event, status: stored.status, orderID: order.id, at: at, in: &state)
            return (stored, entry)
        }
    }

    public func appendEvent(orderID: UUID, _ event: OrderEventDraft, at: Date) async throws -> OrderTimelineEntry {
        let at = at.storedPrecision
        return try state.withLockedValue { state in
            guard let order = state.orders[orderID] else { throw StoreError(.notFound, "no such order") }
            return Self.append(event, status: order.status, orderID: orderID, at: at, in: &state)
        }
    }

    private static func append(_ event: OrderEventDraft, status: OrderStatus, orderID: UUID, at: Date, in state: inout State) -> OrderTimelineEntry {
        let seq = (state.timelines[orderID]?.last?.seq ?? 0) + 1
        let entry = OrderTimelineEntry(orderID: orderID, seq: seq, at: at, step: event.step, outcome: event.outcome, status: status, reason: event.reason)
        state.timelines[orderID, default: []].append(entry)
        return entry
    }

    public func timeline(orderID: UUID, afterSeq: Int) async throws -> [OrderTimelineEntry] {
        state.withLockedValue { ($0.timelines[orderID] ?? []).filter { $0.seq > afterSeq } }
    }

    public func sagaSteps(orderID: UUID) async throws -> [SagaStepRecord] {
        let steps = state.withLockedValue { $0.steps[orderID] ?? [] }
        // Within a generation, the order of first saving is kept.
        return steps.enumerated().sorted { ($0.element.generation, $0.offset) < ($1.element.generation, $1.offset) }.map(\.element)
    }

    public func sagaSteps(orderID: UUID, generation: Int) async throws -> [SagaStepRecord] {
        state.withLockedValue { ($0.steps[orderID] ?? []).filter { $0.generation == generation } }
    }

    public func saveSagaStep(_ step: SagaStepRecord) async throws {
        var step = step
        step.updatedAt = step.updatedAt.storedPrecision
        try state.withLockedValue { state in
            guard state.orders[step.orderID] != nil else { throw StoreError(.notFound, "no such order") }
            // Unique across every other step, of any order (as PostgreSQL's unique index on the key).
            for (orderID, steps) in state.steps {
                let taken = steps.contains {
                    $0.idempotencyKey == step.idempotencyKey
                        && (orderID != step.orderID || $0.step != step.step || $0.generation != step.generation)
                }
                if taken { throw StoreError(.conflict, "idempotency key taken") }
            }
            if let index = state.steps[step.orderID]?.firstIndex(where: { $0.step == step.step && $0.generation == step.generation }) {
                state.steps[step.orderID]?[index] = step
            } else {
                state.steps[step.orderID, default: []].append(step)
            }
        }
    }
}
