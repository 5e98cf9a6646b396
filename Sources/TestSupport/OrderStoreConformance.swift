public import BFF
import Domain
import Foundation

/// What every ``OrderRepository`` must do, run by `MemoryOrderStoreConformanceTests` and
/// `PostgresOrderStoreConformanceTests` (each PostgreSQL check in its own freshly migrated schema).
///
/// Checks take a ``StoreCheck/MakeStore`` because an order belongs to a user, and PostgreSQL refuses an order
/// whose user does not exist: every check creates its customers first. Times are whole seconds from
/// ``StoreConformance/t0`` except in the precision check, which pins how fractional dates are stored: at the
/// microsecond, rounded (`Date.storedPrecision`), identically on both backends.
public enum OrderStoreConformance {
    public static let all: [StoreCheck] = lifecycleChecks + concurrencyChecks + listingChecks + sagaChecks

    static let t0 = StoreConformance.t0
    static func at(_ seconds: Int) -> Date { StoreConformance.at(seconds) }

    /// Creates a customer account (orders reference users) and returns its id.
    static func customer(_ store: AtriumStore, _ name: String, tenant: String = "acme") async throws -> UUID {
        let user = StoreConformance.account("\(name)@example.com", tenant: tenant)
        try await store.users.create(user)
        return user.id
    }

    static func money(_ minor: Int64, _ code: String = "EUR") throws -> Money {
        Money(minorUnits: minor, currency: try Currency(code))
    }

    static func items() throws -> [OrderItem] {
        [
            OrderItem(sku: try SKU("SIM-5G-20"), name: "5G SIM, 20 GB", kind: .sim, quantity: try Quantity(2), unitPrice: try money(1250)),
            OrderItem(
                sku: try SKU("RTR/AX3000"), name: "Router “AX3000” – grün", kind: .physical, quantity: try Quantity(1),
                unitPrice: try money(8999)),
        ]
    }

    /// A draft order of `user` with ``items()`` (subtotal 11 499, tax 2 185, total 13 684 EUR).
    static func newOrder(
        user: UUID, tenant: String = "acme", id: UUID = UUID(), createdAt: Date = StoreConformance.t0, crm: String? = nil,
        billing: String? = nil
    ) throws -> Order {
        Order(
            id: id, tenant: tenant, userID: user, items: try items(), subtotal: try money(11_499), tax: try money(2_185),
            total: try money(13_684), crmOrderID: crm, billingOrderID: billing, createdAt: createdAt, updatedAt: createdAt
        )
    }

    static let placed = OrderEventDraft(step: "order", outcome: .transitioned, reason: "placed in the portal")

    static func required<Value>(_ value: Value?, _ message: String, line: Int = #line) throws -> Value {
        guard let value else { throw CheckFailed(description: "line \(line): \(message)") }
        return value
    }

    // MARK: - Create, read, update

    static let lifecycleChecks: [StoreCheck] = [
        StoreCheck(description: "create stores the order at version 1 with entry 1; it is found by id and CRM order id") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            var order = try newOrder(user: user, createdAt: at(10), crm: "801DM0000001")
            order.version = 7
            order.updatedAt = at(11)
            let entry = try await store.orders.create(order, event: placed, at: at(12))
            let expectedEntry = OrderTimelineEntry(
                orderID: order.id, seq: 1, at: at(12), step: "order", outcome: .transitioned, status: .draft, reason: "placed in the portal"
            )
            try expect(entry == expectedEntry, "created entry: \(entry)")
            var expected = order
            expected.version = 1
            let stored = try await store.orders.order(id: order.id)
            try expect(stored == expected, "stored order: \(String(describing: stored))")
            try expect(try await store.orders.order(crmOrderID: "801DM0000001") == expected, "lookup by CRM order id")
            try expect(try await store.orders.order(crmOrderID: "801DM0000002") == nil, "unknown CRM order id found")
            try expect(try await store.orders.order(id: UUID()) == nil, "unknown order id found")
            try expect(try await store.orders.timeline(orderID: order.id, afterSeq: 0) == [expectedEntry], "timeline")
            try expect(try await store.orders.timeline(orderID: order.id, afterSeq: 1).isEmpty, "entries after the last")
            try expect(try await store.orders.timeline(orderID: UUID(), afterSeq: 0).isEmpty, "an unknown order has entries")
            try expect(try await store.orders.sagaSteps(orderID: order.id).isEmpty, "a new order has saga steps")
        },
        StoreCheck(description: "a taken order id, CRM order id or billing order id is a conflict and stores nothing") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            let first = try newOrder(user: user, crm: "801A", billing: "INV-1")
            try await store.orders.create(first, event: placed, at: t0)
            let refused = [
                try newOrder(user: user, id: first.id), try newOrder(user: user, crm: "801A"), try newOrder(user: user, billing: "INV-1"),
            ]
            for order in refused {
                try await StoreConformance.expectStoreError(.conflict) {
                    _ = try await store.orders.create(order, event: placed, at: at(1))
                }
                if order.id != first.id {
                    try expect(try await store.orders.order(id: order.id) == nil, "a refused order was stored")
                    try expect(try await store.orders.timeline(orderID: order.id, afterSeq: 0).isEmpty, "a refused order has entries")
                }
            }
            try expect(
                try await store.orders.timeline(orderID: first.id, afterSeq: 0).map(\.seq) == [1], "the first order's timeline changed")
            try expect(try await store.orders.order(id: first.id) == first, "the first order changed")

            // Taking another order's ids in an update is a conflict too, and changes nothing.
            let second = try newOrder(user: user, crm: "801B")
            try await store.orders.create(second, event: placed, at: t0)
            let changes: [@Sendable (inout Order) -> Void] = [{ $0.crmOrderID = "801A" }, { $0.billingOrderID = "INV-1" }]
            for change in changes {
                var stolen = second
                change(&stolen)
                try await StoreConformance.expectStoreError(.conflict) {
                    _ = try await store.orders.update(stolen, event: placed, at: at(2))
                }
            }
            try expect(try await store.orders.order(id: second.id) == second, "a refused update changed the order")
            try expect(try await store.orders.timeline(orderID: second.id, afterSeq: 0).count == 1, "a refused update added an entry")
        },
        StoreCheck(description: "update stores every mutable field with version + 1 and appends the entry with the new status") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            let order = try newOrder(user: user, createdAt: at(10))
            try await store.orders.create(order, event: placed, at: at(10))

            var changed = order
            try changed.transition(to: .pendingApproval)
            changed.crmOrderID = "801DM0000009"
            changed.billingOrderID = "WHMCS-77"
            changed.failureReason = "SIM platform: “ICCID” refused – retry later"
            changed.saga = .running
            changed.items = [try items()[0]]
            changed.subtotal = try money(2_500)
            changed.tax = try money(475)
            changed.total = try money(2_975)
            let draft = OrderEventDraft(step: "crm.create", outcome: .succeeded, reason: nil)
            let result = try await store.orders.update(changed, event: draft, at: at(60))
            var expected = changed
            expected.version = 2
            expected.updatedAt = at(60)
            try expect(result.order == expected, "returned order: \(result.order)")
            try expect(try await store.orders.order(id: order.id) == expected, "stored order")
            let entry = OrderTimelineEntry(
                orderID: order.id, seq: 2, at: at(60), step: "crm.create", outcome: .succeeded, status: .pendingApproval)
            try expect(result.entry == entry, "returned entry: \(String(describing: result.entry))")

            // Without an event: a new version, no entry. The ids can be cleared again.
            var quiet = expected
            quiet.saga = .compensationFailed
            quiet.billingOrderID = nil
            try quiet.transition(to: .failed)
            let silent = try await store.orders.update(quiet, event: nil, at: at(70))
            quiet.version = 3
            quiet.updatedAt = at(70)
            try expect(silent.order == quiet && silent.entry == nil, "update without an event: \(silent)")
            try expect(try await store.orders.order(id: order.id) == quiet, "stored after the update without an event")
            try expect(
                try await store.orders.timeline(orderID: order.id, afterSeq: 0) == [
                    OrderTimelineEntry(
                        orderID: order.id, seq: 1, at: at(10), step: "order", outcome: .transitioned, status: .draft,
                        reason: "placed in the portal"),
                    entry,
                ], "timeline after two updates")

            // Tenant, user and creation time are fixed at creation, whatever the value passed says.
            let other = try await customer(store, "bob", tenant: "other")
            let impostor = Order(
                id: order.id, tenant: "other", userID: other, status: .failed, version: 3, items: quiet.items, subtotal: quiet.subtotal,
                tax: quiet.tax, total: quiet.total, saga: .compensated, createdAt: at(999), updatedAt: at(999)
            )
            let kept = try await store.orders.update(impostor, event: nil, at: at(80)).order
            try expect(kept.tenant == "acme" && kept.userID == user && kept.createdAt == at(10), "fixed fields changed: \(kept)")
            try expect(kept.saga == .compensated && kept.crmOrderID == nil && kept.version == 4, "mutable fields not stored: \(kept)")
        },
        StoreCheck(description: "a stale version is a conflict; an unknown order is not found; appending keeps the order") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            let order = try newOrder(user: user)
            try await store.orders.create(order, event: placed, at: t0)
            var first = order
            first.failureReason = "first"
            let stored = try await store.orders.update(first, event: nil, at: at(1)).order
            var stale = order
            stale.failureReason = "stale"
            try await StoreConformance.expectStoreError(.conflict) { _ = try await store.orders.update(stale, event: placed, at: at(2)) }
            try expect(try await store.orders.order(id: order.id) == stored, "a stale update changed the order")
            try expect(try await store.orders.timeline(orderID: order.id, afterSeq: 0).count == 1, "a stale update added an entry")

            let unknown = try newOrder(user: user)
            try await StoreConformance.expectStoreError(.notFound) { _ = try await store.orders.update(unknown, event: placed, at: t0) }
            try await StoreConformance.expectStoreError(.notFound) { _ = try await store.orders.update(unknown, event: nil, at: t0) }
            try await StoreConformance.expectStoreError(.notFound) {
                _ = try await store.orders.appendEvent(orderID: unknown.id, placed, at: t0)
            }
            try expect(try await store.orders.order(id: unknown.id) == nil, "an update of an unknown order created it")

            let progress = OrderEventDraft(step: "sim.activate#0", outcome: .waiting, reason: "operation op_1 pending")
            let entry = try await store.orders.appendEvent(orderID: order.id, progress, at: at(5))
            try expect(
                entry
                    == OrderTimelineEntry(
                        orderID: order.id, seq: 2, at: at(5), step: "sim.activate#0", outcome: .waiting, status: .draft,
                        reason: "operation op_1 pending"),
                "appended entry: \(entry)"
            )
            try expect(try await store.orders.order(id: order.id) == stored, "appending changed the order (version or updated_at)")
        },
        StoreCheck(description: "subtotal, tax and total in different currencies are refused and nothing is stored") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            var mixed = try newOrder(user: user)
            mixed.tax = try money(2_185, "USD")
            do {
                _ = try await store.orders.create(mixed, event: placed, at: t0)
                throw CheckFailed(description: "an order in two currencies was created")
            } catch let error as MoneyError {
                try expect(error == .currencyMismatch(try Currency("EUR"), try Currency("USD")), "error: \(error)")
            }
            try expect(try await store.orders.order(id: mixed.id) == nil, "the refused order was stored")
            let order = try newOrder(user: user)
            try await store.orders.create(order, event: placed, at: t0)
            var changed = order
            changed.total = try money(1, "GBP")
            do {
                _ = try await store.orders.update(changed, event: placed, at: at(1))
                throw CheckFailed(description: "an update to two currencies was stored")
            } catch is MoneyError {}
            try expect(try await store.orders.order(id: order.id) == order, "the refused update changed the order")
        },
    ]
}
