public import Domain
public import Foundation

/// Orders, their append-only timelines and their saga steps. Memory and PostgreSQL implementations pass one
/// conformance suite (`TestSupport/OrderStoreConformance`).
///
/// Writes are optimistic: ``update(_:event:at:)`` applies only when the stored version is the value's version,
/// so two workers (or a worker and a webhook) acting on one order never both win.
public protocol OrderRepository: Sendable {
    /// Inserts a new order (its ``Order/version`` must be 1) and its first timeline entry (seq 1).
    ///
    /// - Throws: ``StoreError/conflict`` when the id, the CRM order id or the billing order id is taken.
    func create(_ order: Order, event: OrderEventDraft, at: Date) async throws -> OrderTimelineEntry
    func order(id: UUID) async throws -> Order?
    /// The order whose CRM order id is `crmOrderID`.
    func order(crmOrderID: String) async throws -> Order?
    /// A user's orders, newest first (created_at, then id), strictly after `after` in that order when given.
    func orders(userID: UUID, after: OrderPageKey?, limit: Int) async throws -> [Order]
    /// Staff listing: orders matching `filter`, newest first, strictly after `after`.
    func orders(filter: OrderFilter, after: OrderPageKey?, limit: Int) async throws -> [Order]

    /// Stores `order` (status, ids, failure reason, saga state and generation, items) when the stored version equals
    /// `order.version`, with version + 1 and `updated_at` = `at`, and appends `event` (with the new status) in the
    /// same transaction.
    ///
    /// - Returns: the stored order (new version) and the appended entry (nil when `event` is nil).
    /// - Throws: ``StoreError/conflict`` when the stored version differs (reload and decide again),
    ///   ``StoreError/notFound`` when there is no such order.
    func update(_ order: Order, event: OrderEventDraft?, at: Date) async throws -> (order: Order, entry: OrderTimelineEntry?)
    /// Appends an entry (a step's progress) without changing the order; `status` is the order's current one.
    ///
    /// - Throws: ``StoreError/notFound`` when there is no such order.
    func appendEvent(orderID: UUID, _ event: OrderEventDraft, at: Date) async throws -> OrderTimelineEntry
    /// Entries with `seq > afterSeq`, in order.
    func timeline(orderID: UUID, afterSeq: Int) async throws -> [OrderTimelineEntry]

    /// Every saga step record of an order, of every generation: generation by generation (ascending), each in the
    /// order its steps were first saved.
    func sagaSteps(orderID: UUID) async throws -> [SagaStepRecord]
    /// The saga step records of one generation of an order (``Order/sagaGeneration``), in the order they were first
    /// saved: what a run of that generation resumes from.
    func sagaSteps(orderID: UUID, generation: Int) async throws -> [SagaStepRecord]
    /// Inserts or replaces the step (keyed by order id, generation and step name).
    ///
    /// - Throws: ``StoreError/conflict`` when another step (of any order or generation) has its idempotency key,
    ///   ``StoreError/notFound`` when there is no such order.
    func saveSagaStep(_ step: SagaStepRecord) async throws
}

/// A position in an order listing (newest first): the last order of the previous page.
public struct OrderPageKey: Sendable, Hashable, Codable {
    public let createdAt: Date
    public let id: UUID

    public init(createdAt: Date, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }
}

/// What staff filter orders by; nil fields match everything.
public struct OrderFilter: Sendable, Hashable {
    public var tenant: String?
    public var status: OrderStatus?
    public var userID: UUID?
    public var createdFrom: Date?
    public var createdUntil: Date?

    public init(tenant: String? = nil, status: OrderStatus? = nil, userID: UUID? = nil, createdFrom: Date? = nil, createdUntil: Date? = nil) {
        self.tenant = tenant
        self.status = status
        self.userID = userID
        self.createdFrom = createdFrom
        self.createdUntil = createdUntil
    }
}
