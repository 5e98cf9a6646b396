public import Domain
public import Foundation
public import Logging
public import PostgresNIO

/// Orders, timelines and saga steps in the `orders`, `order_events` and `saga_steps` tables.
///
/// Every write is one statement, so it is atomic without a transaction block and costs one round trip:
/// - ``create(_:event:at:)`` inserts the order and its entry 1 in one `WITH … INSERT`;
/// - ``update(_:event:at:)`` is `UPDATE … WHERE id AND version` (optimistic locking) whose `RETURNING` feeds the
///   timeline insert;
/// - an append takes its number from `orders.last_event_seq`, incremented by the `UPDATE` that locks the order
///   row. Concurrent appends and updates of one order queue on that row lock, and PostgreSQL re-reads the row
///   each waiter gets (READ COMMITTED), so numbers run 1, 2, 3… per order without gaps or duplicates. Reading
///   `max(seq)` instead would not be safe in one statement: its snapshot predates the wait.
///
/// Dates are bound with ``PostgresTimestamp`` (microseconds, rounded). Unique violations become
/// ``StoreError/conflict``; a missing order or user behind a foreign key becomes ``StoreError/notFound``.
public struct PostgresOrderRepository: OrderRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let idsTaken = "the order id, CRM order id or billing order id is taken"

    public func create(_ order: Order, event: OrderEventDraft, at: Date) async throws -> OrderTimelineEntry {
        let values = try OrderColumns(order)
        let query: PostgresQuery = """
            WITH created AS (
                INSERT INTO orders (id, tenant, user_id, status, version, items, subtotal_minor, tax_minor, total_minor,
                    currency, crm_order_id, billing_order_id, failure_reason, saga_state, saga_generation, last_event_seq, created_at,
                    updated_at)
                VALUES (\(order.id), \(order.tenant), \(order.userID), \(order.status.rawValue), 1, \(values.items)::jsonb,
                    \(order.subtotal.minorUnits), \(order.tax.minorUnits), \(order.total.minorUnits), \(values.currency),
                    \(order.crmOrderID), \(order.billingOrderID), \(order.failureReason), \(order.saga.rawValue),
                    \(order.sagaGeneration), 1,
                    \(PostgresTimestamp(order.createdAt)), \(PostgresTimestamp(order.updatedAt)))
                RETURNING id, status
            )
            INSERT INTO order_events (order_id, seq, at, step, outcome, status, reason)
            SELECT id, 1, \(PostgresTimestamp(at)), \(event.step), \(event.outcome.rawValue), status, \(event.reason) FROM created
            RETURNING \(unescaped: Self.eventColumns)
            """
        return try await write(missing: "no such user") {
            guard let entry = try await entries(query).first else { throw StoreError(.unavailable, "the created order was not returned") }
            return entry
        }
    }

    public func order(id: UUID) async throws -> Order? {
        try await storeOperation { try await orders("SELECT \(unescaped: Self.columns) FROM orders WHERE id = \(id)").first }
    }

    public func order(crmOrderID: String) async throws -> Order? {
        try await storeOperation {
            try await orders("SELECT \(unescaped: Self.columns) FROM orders WHERE crm_order_id = \(crmOrderID)").first
        }
    }

    public func orders(userID: UUID, after: OrderPageKey?, limit: Int) async throws -> [Order] {
        try await orders(filter: OrderFilter(userID: userID), after: after, limit: limit)
    }

    public func orders(filter: OrderFilter, after: OrderPageKey?, limit: Int) async throws -> [Order] {
        // Only the filters that are set become conditions, so each listing can use its index.
        var conditions: [String] = []
        var bindings = PostgresBindings()
        func condition(_ sql: (Int) -> String, _ value: (some PostgresNonThrowingEncodable)?) {
            guard let value else { return }
            bindings.append(value)
            conditions.append(sql(bindings.count))
        }
        condition({ "tenant = $\($0)" }, filter.tenant)
        condition({ "status = $\($0)" }, filter.status?.rawValue)
        condition({ "user_id = $\($0)" }, filter.userID)
        condition({ "created_at >= $\($0)" }, filter.createdFrom.map(PostgresTimestamp.init))
        condition({ "created_at < $\($0)" }, filter.createdUntil.map(PostgresTimestamp.init))
        if let after {
            bindings.append(PostgresTimestamp(after.createdAt))
            bindings.append(after.id)
            conditions.append("(created_at, id) < ($\(bindings.count - 1), $\(bindings.count))")
        }
        bindings.append(max(0, limit))
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.columns) FROM orders \(whereClause)
                ORDER BY created_at DESC, id DESC LIMIT $\(bindings.count)
                """,
            binds: bindings
        )
        return try await storeOperation { try await orders(query) }
    }

    public func update(_ order: Order, event: OrderEventDraft?, at: Date) async throws -> (order: Order, entry: OrderTimelineEntry?) {
        let values = try OrderColumns(order)
        let appends = event != nil
        // `appended` inserts nothing without an event; the LEFT JOIN then leaves its columns NULL.
        let query: PostgresQuery = """
            WITH changed AS (
                UPDATE orders SET status = \(order.status.rawValue), items = \(values.items)::jsonb,
                    subtotal_minor = \(order.subtotal.minorUnits), tax_minor = \(order.tax.minorUnits),
                    total_minor = \(order.total.minorUnits), currency = \(values.currency), crm_order_id = \(order.crmOrderID),
                    billing_order_id = \(order.billingOrderID), failure_reason = \(order.failureReason),
                    saga_state = \(order.saga.rawValue), saga_generation = \(order.sagaGeneration),
                    updated_at = \(PostgresTimestamp(at)), version = version + 1,
                    last_event_seq = last_event_seq + CASE WHEN \(appends) THEN 1 ELSE 0 END
                WHERE id = \(order.id) AND version = \(order.version)
                RETURNING \(unescaped: Self.columns), last_event_seq
            ), appended AS (
                INSERT INTO order_events (order_id, seq, at, step, outcome, status, reason)
                SELECT id, last_event_seq, \(PostgresTimestamp(at)), \(event?.step), \(event?.outcome.rawValue), status,
                    \(event?.reason)
                FROM changed WHERE \(appends)
                RETURNING seq AS event_seq, at AS event_at, step AS event_step, outcome AS event_outcome, reason AS event_reason
            )
            SELECT changed.*, appended.* FROM changed LEFT JOIN appended ON true
            """
        return try await write(missing: "no such order") {
            let rows = try await client.query(query, logger: logger)
            let stored = try await decodeRows(rows) { row in
                let stored = try Order(row: row)
                guard let seq = try row["event_seq"].decode(Int?.self) else { return (order: stored, entry: OrderTimelineEntry?.none) }
                let entry = OrderTimelineEntry(
                    orderID: stored.id, seq: seq, at: try row["event_at"].decode(Date.self),
                    step: try row["event_step"].decode(String.self),
                    outcome: try StoredJSON.enumValue(TimelineOutcome.self, row["event_outcome"], column: "order_events.outcome"),
                    status: stored.status, reason: try row["event_reason"].decode(String?.self)
                )
                return (order: stored, entry: Optional(entry))
            }.first
            if let stored { return stored }
            // Nothing matched: tell a missing order from a stale version (orders are never deleted).
            let exists = try await client.query("SELECT 1 FROM orders WHERE id = \(order.id)", logger: logger).collect()
            throw exists.isEmpty ? StoreError(.notFound, "no such order") : StoreError(.conflict, "the order's version moved on")
        }
    }

    public func appendEvent(orderID: UUID, _ event: OrderEventDraft, at: Date) async throws -> OrderTimelineEntry {
        let query: PostgresQuery = """
            WITH counted AS (
                UPDATE orders SET last_event_seq = last_event_seq + 1 WHERE id = \(orderID) RETURNING id, status, last_event_seq
            )
            INSERT INTO order_events (order_id, seq, at, step, outcome, status, reason)
            SELECT id, last_event_seq, \(PostgresTimestamp(at)), \(event.step), \(event.outcome.rawValue), status, \(event.reason)
            FROM counted
            RETURNING \(unescaped: Self.eventColumns)
            """
        return try await write(missing: "no such order") {
            guard let entry = try await entries(query).first else { throw StoreError(.notFound, "no such order") }
            return entry
        }
    }

    public func timeline(orderID: UUID, afterSeq: Int) async throws -> [OrderTimelineEntry] {
        try await storeOperation {
            try await entries(
                "SELECT \(unescaped: Self.eventColumns) FROM order_events WHERE order_id = \(orderID) AND seq > \(afterSeq) ORDER BY seq"
            )
        }
    }

    public func sagaSteps(orderID: UUID) async throws -> [SagaStepRecord] {
        try await storeOperation {
            let rows = try await client.query(
                "SELECT \(unescaped: Self.stepColumns) FROM saga_steps WHERE order_id = \(orderID) ORDER BY generation, ordinal",
                logger: logger
            )
            return try await decodeRows(rows, SagaStepRecord.init(row:))
        }
    }

    public func sagaSteps(orderID: UUID, generation: Int) async throws -> [SagaStepRecord] {
        try await storeOperation {
            let rows = try await client.query(
                """
                SELECT \(unescaped: Self.stepColumns) FROM saga_steps WHERE order_id = \(orderID) AND generation = \(generation)
                ORDER BY ordinal
                """,
                logger: logger
            )
            return try await decodeRows(rows, SagaStepRecord.init(row:))
        }
    }

    public func saveSagaStep(_ step: SagaStepRecord) async throws {
        let result = try StoredJSON.text(step.result)
        // The idempotency key is unique across all steps: a second step (of any order) with the same key would
        // make an upstream treat two operations as one, so it is a conflict.
        _ = try await write(missing: "no such order", conflict: "the idempotency key belongs to another step") {
            try await client.query(
                """
                INSERT INTO saga_steps (order_id, step, generation, status, attempt, idempotency_key, result, error, updated_at)
                VALUES (\(step.orderID), \(step.step), \(step.generation), \(step.status.rawValue), \(step.attempt),
                    \(step.idempotencyKey), \(result)::jsonb, \(step.error), \(PostgresTimestamp(step.updatedAt)))
                ON CONFLICT (order_id, generation, step) DO UPDATE SET
                    status = EXCLUDED.status, attempt = EXCLUDED.attempt, idempotency_key = EXCLUDED.idempotency_key,
                    result = EXCLUDED.result, error = EXCLUDED.error, updated_at = EXCLUDED.updated_at
                """,
                logger: logger
            )
        }
    }

    // MARK: - Helpers

    private func orders(_ query: PostgresQuery) async throws -> [Order] {
        try await decodeRows(try await client.query(query, logger: logger), Order.init(row:))
    }

    private func entries(_ query: PostgresQuery) async throws -> [OrderTimelineEntry] {
        try await decodeRows(try await client.query(query, logger: logger), OrderTimelineEntry.init(row:))
    }

    /// Runs a write, mapping a foreign key violation (the order or user it names does not exist) to
    /// ``StoreError/notFound`` with `missing`, and the rest like ``storeOperation(conflict:_:)``.
    private func write<Result>(missing: String, conflict: String = idsTaken, _ body: () async throws -> Result) async throws -> Result {
        do {
            return try await storeOperation(conflict: conflict, body)
        } catch  where PostgresFailure(error).sqlState == "23503" {
            throw StoreError(.notFound, missing)
        }
    }
}
