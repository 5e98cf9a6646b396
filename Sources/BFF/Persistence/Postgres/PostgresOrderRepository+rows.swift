import Domain
import Foundation
import PostgresNIO

extension PostgresOrderRepository {
    /// The `orders` columns ``Domain/Order/init(row:)`` reads (also valid in `RETURNING`).
    static let columns = """
        id, tenant, user_id, status, version, items::text AS items, subtotal_minor, tax_minor, total_minor, currency,
        crm_order_id, billing_order_id, failure_reason, saga_state, saga_generation, created_at, updated_at
        """

    /// The `order_events` columns ``Domain/OrderTimelineEntry/init(row:)`` reads.
    static let eventColumns = "order_id, seq, at, step, outcome, status, reason"

    /// The `saga_steps` columns ``Domain/SagaStepRecord/init(row:)`` reads.
    static let stepColumns = "order_id, step, generation, status, attempt, idempotency_key, result::text AS result, error, updated_at"
}

/// An order's values as the `orders` columns hold them: items as JSON text, one currency for the three amounts.
struct OrderColumns {
    let items: String
    let currency: String

    /// - Throws: `MoneyError.currencyMismatch` when subtotal, tax and total are not in one currency (the table
    ///   has one currency column; the memory store refuses the same orders).
    init(_ order: Order) throws {
        try order.checkSingleCurrency()
        items = try StoredJSON.text(order.items)
        currency = order.subtotal.currency.code
    }
}

extension Order {
    /// Subtotal, tax and total share one currency, as the store keeps them.
    func checkSingleCurrency() throws(MoneyError) {
        for amount in [tax, total] where amount.currency != subtotal.currency {
            throw MoneyError.currencyMismatch(subtotal.currency, amount.currency)
        }
    }

    /// Reads one row of ``PostgresOrderRepository/columns``.
    init(row: PostgresRandomAccessRow) throws {
        let currency = try Currency(try row["currency"].decode(String.self))
        self.init(
            id: try row["id"].decode(UUID.self),
            tenant: try row["tenant"].decode(String.self),
            userID: try row["user_id"].decode(UUID.self),
            status: try StoredJSON.enumValue(OrderStatus.self, row["status"], column: "orders.status"),
            version: try row["version"].decode(Int.self),
            items: try StoredJSON.value([OrderItem].self, try row["items"].decode(String.self)),
            subtotal: Money(minorUnits: try row["subtotal_minor"].decode(Int64.self), currency: currency),
            tax: Money(minorUnits: try row["tax_minor"].decode(Int64.self), currency: currency),
            total: Money(minorUnits: try row["total_minor"].decode(Int64.self), currency: currency),
            crmOrderID: try row["crm_order_id"].decode(String?.self),
            billingOrderID: try row["billing_order_id"].decode(String?.self),
            failureReason: try row["failure_reason"].decode(String?.self),
            saga: try StoredJSON.enumValue(SagaState.self, row["saga_state"], column: "orders.saga_state"),
            sagaGeneration: try row["saga_generation"].decode(Int.self),
            createdAt: try row["created_at"].decode(Date.self),
            updatedAt: try row["updated_at"].decode(Date.self)
        )
    }
}

extension OrderTimelineEntry {
    /// Reads one row of ``PostgresOrderRepository/eventColumns``.
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            orderID: try row["order_id"].decode(UUID.self),
            seq: try row["seq"].decode(Int.self),
            at: try row["at"].decode(Date.self),
            step: try row["step"].decode(String.self),
            outcome: try StoredJSON.enumValue(TimelineOutcome.self, row["outcome"], column: "order_events.outcome"),
            status: try StoredJSON.enumValue(OrderStatus.self, row["status"], column: "order_events.status"),
            reason: try row["reason"].decode(String?.self)
        )
    }
}

extension SagaStepRecord {
    /// Reads one row of ``PostgresOrderRepository/stepColumns``.
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            orderID: try row["order_id"].decode(UUID.self),
            step: try row["step"].decode(String.self),
            generation: try row["generation"].decode(Int.self),
            status: try StoredJSON.enumValue(SagaStepStatus.self, row["status"], column: "saga_steps.status"),
            attempt: try row["attempt"].decode(Int.self),
            idempotencyKey: try row["idempotency_key"].decode(String.self),
            result: try StoredJSON.value([String: String].self, try row["result"].decode(String.self)),
            error: try row["error"].decode(String?.self),
            updatedAt: try row["updated_at"].decode(Date.self)
        )
    }
}

/// JSON and enum columns of the order store and the webhook inbox.
enum StoredJSON {
    /// `value` as JSON text with sorted keys (bound as text and cast to `jsonb` in SQL).
    static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes JSON text read as `column::text`.
    static func value<Value: Decodable>(_ type: Value.Type, _ text: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// A text column holding an enum's raw value.
    ///
    /// - Throws: ``UnexpectedStoredValue`` when the value is not one this build knows.
    static func enumValue<Value: RawRepresentable>(_ type: Value.Type, _ cell: PostgresCell, column: String) throws -> Value
    where Value.RawValue == String {
        guard let value = Value(rawValue: try cell.decode(String.self)) else { throw UnexpectedStoredValue(column: column) }
        return value
    }
}

/// Collects the rows of a query through a row initialiser.
func decodeRows<Value>(_ rows: PostgresRowSequence, _ make: (PostgresRandomAccessRow) throws -> Value) async throws -> [Value] {
    var result: [Value] = []
    for try await row in rows { result.append(try make(row.makeRandomAccess())) }
    return result
}
