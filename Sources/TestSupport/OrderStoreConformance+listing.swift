public import BFF
import Domain
import Foundation

extension OrderStoreConformance {
    /// Newest first: by creation time, then by id (as PostgreSQL orders uuids: byte-wise, which is the order of
    /// their lower-case text).
    static func newestFirst(_ orders: [Order]) -> [UUID] {
        orders.sorted { left, right in
            if left.createdAt != right.createdAt { return left.createdAt > right.createdAt }
            return left.id.uuidString.lowercased() > right.id.uuidString.lowercased()
        }.map(\.id)
    }

    /// Every page of `list`, following each page's last order, until an empty page.
    static func allPages(limit: Int, _ list: (OrderPageKey?) async throws -> [Order]) async throws -> [[Order]] {
        var pages: [[Order]] = []
        var key: OrderPageKey?
        while true {
            let page = try await list(key)
            guard let last = page.last else { return pages }
            try expect(page.count <= limit, "a page of \(page.count) over the limit \(limit)")
            pages.append(page)
            key = OrderPageKey(createdAt: last.createdAt, id: last.id)
            try expect(pages.count <= 50, "paging does not end")
        }
    }

    static let listingChecks: [StoreCheck] = [
        StoreCheck(description: "a user's orders page newest first by (created_at, id), ties included, without overlap or gaps") { make in
            let store = try await make()
            let alice = try await customer(store, "alice")
            let bob = try await customer(store, "bob")
            // Three share one creation time and two another, so the id decides within a tie.
            let times = [100, 100, 100, 50, 50, 10, 200]
            var mine: [Order] = []
            for (index, seconds) in times.enumerated() {
                let order = try newOrder(user: alice, createdAt: at(seconds))
                try await store.orders.create(order, event: placed, at: at(seconds))
                mine.append(order)
                if index % 2 == 0 { try await store.orders.create(try newOrder(user: bob, createdAt: at(seconds)), event: placed, at: t0) }
            }
            let expected = newestFirst(mine)
            let pages = try await allPages(limit: 3) { try await store.orders.orders(userID: alice, after: $0, limit: 3) }
            try expect(pages.map(\.count) == [3, 3, 1], "page sizes: \(pages.map(\.count))")
            try expect(pages.flatMap { $0 }.map(\.id) == expected, "paged order differs from newest first")
            try expect(
                pages.flatMap { $0 } == expected.compactMap { id in mine.first { $0.id == id } },
                "listed orders differ from the stored ones")
            let whole = try await store.orders.orders(userID: alice, after: nil, limit: 100)
            try expect(whole.map(\.id) == expected, "one page")
            try expect(try await store.orders.orders(userID: alice, after: nil, limit: 0).isEmpty, "limit 0")
            try expect(try await store.orders.orders(userID: UUID(), after: nil, limit: 10).isEmpty, "an unknown user has orders")
            try expect(try await store.orders.orders(userID: bob, after: nil, limit: 10).count == 4, "bob's orders")
        },
        StoreCheck(description: "staff listing filters by tenant, status, user and creation range (from inclusive, until exclusive)") {
            make in
            let store = try await make()
            let alice = try await customer(store, "alice")
            let bob = try await customer(store, "bob", tenant: "globex")
            var created: [String: Order] = [:]
            for (name, user, tenant, seconds, status) in [
                ("a1", alice, "acme", 10, OrderStatus.draft), ("a2", alice, "acme", 20, .pendingApproval),
                ("a3", alice, "acme", 30, .pendingApproval),
                ("b1", bob, "globex", 15, .pendingApproval), ("b2", bob, "globex", 30, .draft),
            ] {
                let order = try newOrder(user: user, tenant: tenant, createdAt: at(seconds))
                try await store.orders.create(order, event: placed, at: at(seconds))
                if status != .draft {
                    var moved = order
                    try moved.transition(to: status)
                    created[name] = try await store.orders.update(moved, event: nil, at: at(seconds + 1)).order
                } else {
                    created[name] = order
                }
            }
            func names(_ filter: OrderFilter, after: OrderPageKey? = nil, limit: Int = 100) async throws -> [String] {
                try await store.orders.orders(filter: filter, after: after, limit: limit).map { order in
                    created.first { $0.value.id == order.id }?.key ?? "?"
                }
            }
            let a3 = try required(created["a3"], "a3")
            let expectedAll = newestFirst(Array(created.values)).map { id in created.first { $0.value.id == id }?.key ?? "?" }
            let all = try await names(OrderFilter())
            try expect(all == expectedAll, "all: \(all)")
            try expect(expectedAll.suffix(3) == ["a2", "b1", "a1"], "time order: \(expectedAll)")
            try expect(try await names(OrderFilter(tenant: "acme")) == ["a3", "a2", "a1"], "tenant acme")
            try expect(try await names(OrderFilter(status: .pendingApproval)) == ["a3", "a2", "b1"], "status")
            try expect(try await names(OrderFilter(tenant: "acme", status: .pendingApproval)) == ["a3", "a2"], "tenant and status")
            try expect(try await names(OrderFilter(userID: bob)) == ["b2", "b1"], "user")
            try expect(try await names(OrderFilter(tenant: "globex", userID: alice)).isEmpty, "another tenant's user")
            try expect(try await names(OrderFilter(createdFrom: at(15), createdUntil: at(30))) == ["a2", "b1"], "range [15, 30)")
            try expect(try await names(OrderFilter(status: .draft, createdFrom: at(10))) == ["b2", "a1"], "drafts from 10 s (inclusive)")
            try expect(try await names(OrderFilter(createdUntil: at(10))).isEmpty, "until 10 s (exclusive)")
            let key = OrderPageKey(createdAt: a3.createdAt, id: a3.id)
            let afterA3 = try await names(OrderFilter(tenant: "acme"), after: key, limit: 1)
            try expect(afterA3 == ["a2"], "after a3: \(afterA3)")
            try expect(try await names(OrderFilter(tenant: "acme"), limit: 0).isEmpty, "limit 0")
        },
        StoreCheck(description: "fractional dates are kept to the microsecond (rounded) and keys built from them skip nothing") { make in
            let store = try await make()
            let alice = try await customer(store, "alice")
            // 0.1234568 s rounds up to …457 µs; the three orders tie at that microsecond.
            let fractional = t0.addingTimeInterval(0.123_456_8)
            var tied: [Order] = []
            for _ in 0..<3 {
                let order = try newOrder(user: alice, createdAt: fractional)
                try await store.orders.create(order, event: placed, at: fractional)
                tied.append(order)
            }
            let stored = try await store.orders.order(id: try required(tied.first, "no order").id)
            let createdAt = try required(stored?.createdAt, "order not stored")
            try expect(createdAt == fractional.storedPrecision, "created_at \(createdAt.timeIntervalSince1970)")
            try expect(abs(createdAt.timeIntervalSince(fractional)) < 0.000_001, "created_at moved by more than 1 µs")
            try expect(abs(createdAt.timeIntervalSince(t0) - 0.123_457) < 0.000_000_3, "not rounded to the nearest microsecond")
            let entry = try required(try await store.orders.timeline(orderID: tied[0].id, afterSeq: 0).first, "no entry")
            try expect(entry.at == createdAt, "entry time \(entry.at.timeIntervalSince1970)")
            let pages = try await allPages(limit: 1) { try await store.orders.orders(userID: alice, after: $0, limit: 1) }
            try expect(pages.flatMap { $0 }.map(\.id) == newestFirst(tied), "paging over a tie at a fractional time: \(pages.count) pages")
            // A key holding the unrounded time names the same position as one holding the stored time.
            let first = try required(pages.first?.first, "no first page")
            let unrounded = try await store.orders.orders(
                userID: alice, after: OrderPageKey(createdAt: fractional, id: first.id), limit: 10)
            try expect(unrounded.map(\.id) == Array(newestFirst(tied).dropFirst()), "unrounded key")
            let range = try await store.orders.orders(
                filter: OrderFilter(createdFrom: fractional, createdUntil: fractional.addingTimeInterval(0.000_001)), after: nil, limit: 10)
            try expect(range.count == 3, "a one-microsecond range holds \(range.count) of the three orders")
        },
    ]
}
