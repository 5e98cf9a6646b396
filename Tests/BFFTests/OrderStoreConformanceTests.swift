import BFF
import Domain
import Foundation
import PostgresNIO
import TestSupport
import Testing

@Suite("Order store conformance: memory")
struct MemoryOrderStoreConformanceTests {
    @Test(arguments: OrderStoreConformance.all)
    func memory(_ check: StoreCheck) async throws {
        let store = AtriumStore.memory()
        try await check.run { store }
    }
}

/// Every check in its own freshly migrated schema of the test database.
@Suite("Order store conformance: PostgreSQL")
struct PostgresOrderStoreConformanceTests {
    @Test(arguments: OrderStoreConformance.all)
    func postgres(_ check: StoreCheck) async throws {
        try await TestDatabase.withSchema { client, _ in
            try await check.run { AtriumStore.postgres(client: client, logger: TestDatabase.logger) }
        }
    }

    /// PostgreSQL also checks what the memory store cannot see: the order's user must exist.
    @Test func anOrderOfAnUnknownUserIsNotFound() async throws {
        try await TestDatabase.withSchema { client, _ in
            let orders = AtriumStore.postgres(client: client, logger: TestDatabase.logger).orders
            let eur = try Currency("EUR")
            let order = Order(
                id: UUID(), tenant: "acme", userID: UUID(), items: [], subtotal: Money(minorUnits: 0, currency: eur),
                tax: Money(minorUnits: 0, currency: eur), total: Money(minorUnits: 0, currency: eur), createdAt: Date(), updatedAt: Date()
            )
            let error = await #expect(throws: StoreError.self) {
                _ = try await orders.create(order, event: OrderEventDraft(step: "order", outcome: .transitioned), at: Date())
            }
            #expect(error?.code == .notFound)
            #expect(try await orders.order(id: order.id) == nil)
        }
    }

    /// v8's constraints hold against hand-written SQL too: unknown statuses, outcomes and saga states are refused.
    @Test func theSchemaRefusesUnknownEnumValues() async throws {
        try await TestDatabase.withSchema { client, _ in
            let constraints = try await client.query(
                """
                SELECT conname::text FROM pg_constraint
                WHERE conrelid IN ('orders'::regclass, 'order_events'::regclass, 'saga_steps'::regclass) AND contype = 'c'
                """
            ).decode(String.self).reduce(into: Set<String>()) { $0.insert($1) }
            for name in [
                "orders_saga_state_check", "order_events_status_check", "order_events_outcome_check", "saga_steps_status_check",
                "saga_steps_result_check",
            ] {
                #expect(constraints.contains(name), "\(name) missing")
            }
            let definition = try await client.query(
                """
                SELECT pg_get_constraintdef(oid) FROM pg_constraint
                WHERE conname = 'saga_steps_status_check' AND conrelid = 'saga_steps'::regclass
                """
            ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
            #expect(definition.count == 1 && definition.first?.contains("compensation_failed") == true, "\(definition)")
            let error = await #expect(throws: PSQLError.self) {
                try await client.query(
                    """
                    INSERT INTO orders (id, tenant, user_id, status, currency, saga_state)
                    VALUES (gen_random_uuid(), 't', gen_random_uuid(), 'draft', 'EUR', 'sleeping')
                    """
                )
            }
            #expect(error?.serverInfo?[.sqlState] == "23514", "check_violation")
        }
    }
}
