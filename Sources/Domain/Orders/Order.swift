public import Foundation

/// An order Atrium owns: what the customer asked for, where it stands, and its ids in other systems.
///
/// A pure value: ``transition(to:)`` applies the state machine; persistence (optimistic locking on ``version``)
/// and the timeline live in the store.
public struct Order: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public let tenant: String
    /// The Atrium user (customer) who placed it.
    public let userID: UUID
    public private(set) var status: OrderStatus
    /// Bumped by every stored update; an update naming an older version is refused (optimistic locking).
    public var version: Int
    public var items: [OrderItem]
    public var subtotal: Money
    public var tax: Money
    public var total: Money
    public var crmOrderID: String?
    public var billingOrderID: String?
    /// Why the order failed or was cancelled, for the customer and staff.
    public var failureReason: String?
    public var saga: SagaState
    /// Which run of the saga ``saga`` describes: 1 for the first, + 1 for each staff retry that starts it anew.
    /// Each generation has its own step records and upstream keys (``SagaStepRecord/idempotencyKey(orderID:step:generation:)``).
    public var sagaGeneration: Int
    public let createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, tenant: String, userID: UUID, status: OrderStatus = .draft, version: Int = 1, items: [OrderItem],
        subtotal: Money, tax: Money, total: Money, crmOrderID: String? = nil, billingOrderID: String? = nil,
        failureReason: String? = nil, saga: SagaState = .idle, sagaGeneration: Int = 1, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenant = tenant
        self.userID = userID
        self.status = status
        self.version = version
        self.items = items
        self.subtotal = subtotal
        self.tax = tax
        self.total = total
        self.crmOrderID = crmOrderID
        self.billingOrderID = billingOrderID
        self.failureReason = failureReason
        self.saga = saga
        self.sagaGeneration = sagaGeneration
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Moves to `next` if the state machine allows it.
    public mutating func transition(to next: OrderStatus) throws(OrderTransitionError) {
        status = try status.transition(to: next)
    }

    enum CodingKeys: String, CodingKey {
        case id, tenant, userID, status, version, items, subtotal, tax, total, crmOrderID, billingOrderID, failureReason, saga
        case sagaGeneration, createdAt, updatedAt
    }

    /// Decodes an order; one encoded before saga generations existed is generation 1.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(UUID.self, forKey: .id),
            tenant: try container.decode(String.self, forKey: .tenant),
            userID: try container.decode(UUID.self, forKey: .userID),
            status: try container.decode(OrderStatus.self, forKey: .status),
            version: try container.decode(Int.self, forKey: .version),
            items: try container.decode([OrderItem].self, forKey: .items),
            subtotal: try container.decode(Money.self, forKey: .subtotal),
            tax: try container.decode(Money.self, forKey: .tax),
            total: try container.decode(Money.self, forKey: .total),
            crmOrderID: try container.decodeIfPresent(String.self, forKey: .crmOrderID),
            billingOrderID: try container.decodeIfPresent(String.self, forKey: .billingOrderID),
            failureReason: try container.decodeIfPresent(String.self, forKey: .failureReason),
            saga: try container.decode(SagaState.self, forKey: .saga),
            sagaGeneration: try container.decodeIfPresent(Int.self, forKey: .sagaGeneration) ?? 1,
            createdAt: try container.decode(Date.self, forKey: .createdAt),
            updatedAt: try container.decode(Date.self, forKey: .updatedAt)
        )
    }

    /// Whether the order has SIM items (the saga provisions them) and physical items (placed with a supplier).
    public var hasSIMItems: Bool { items.contains { $0.kind == .sim } }
    public var hasPhysicalItems: Bool { items.contains { $0.kind == .physical } }
}

/// Where an order's fulfillment saga stands (separate from the order's business status).
public enum SagaState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not started (not approved yet).
    case idle
    case running
    case compensating
    case completed
    /// Every compensation ran after a failure.
    case compensated
    /// A compensation kept failing: parked for staff (the job is dead-lettered), never silently done.
    case compensationFailed = "compensation_failed"
}

/// What happened in one timeline entry.
public enum TimelineOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The order changed status (``OrderTimelineEntry/status`` is the new one).
    case transitioned
    case started
    case succeeded
    /// Waiting on an asynchronous upstream operation.
    case waiting
    /// Failed and will be retried.
    case retrying
    case failed
    case compensating
    case compensated
    case compensationFailed = "compensation_failed"
    case skipped
    /// Something arrived from outside (a webhook, a staff action) and was recorded.
    case received
}

/// One entry of an order's timeline: append-only, numbered from 1 per order (`seq` is the SSE event id).
public struct OrderTimelineEntry: Sendable, Hashable, Codable {
    public let orderID: UUID
    public let seq: Int
    public let at: Date
    /// `order`, a saga step (`billing.create`, `sim.activate#1`), `webhook.salesforce`, `staff.approve`, …
    public let step: String
    public let outcome: TimelineOutcome
    /// The order's status once this entry was written.
    public let status: OrderStatus
    public let reason: String?

    public init(orderID: UUID, seq: Int, at: Date, step: String, outcome: TimelineOutcome, status: OrderStatus, reason: String? = nil) {
        self.orderID = orderID
        self.seq = seq
        self.at = at
        self.step = step
        self.outcome = outcome
        self.status = status
        self.reason = reason
    }
}

/// A timeline entry before the store numbers it.
public struct OrderEventDraft: Sendable, Hashable, Codable {
    public var step: String
    public var outcome: TimelineOutcome
    public var reason: String?

    public init(step: String, outcome: TimelineOutcome, reason: String? = nil) {
        self.step = step
        self.outcome = outcome
        self.reason = reason
    }
}
