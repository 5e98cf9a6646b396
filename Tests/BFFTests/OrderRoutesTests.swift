@testable import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Providers
import Sandbox
import Testing

/// `POST /orders`, `GET /orders`, `GET /orders/{id}` against the sandbox upstreams, with real tokens.
@Suite("Order routes")
struct OrderRoutesTests {
    // MARK: - Placing an order

    @Test func aliceOrdersASIMAndARouterAndTheCRMHasTheOrder() async throws {
        try await OrderHarness.with { harness, client in
            let token = try await harness.token(harness.alice)
            let key: HTTPFields = [EdgeHeaders.idempotencyKey: UUID().uuidString]
            let json = orderJSON([("SIM-5GB", 2), ("ROUTER-AX3000", 1)])
            let response = try await client.send(.post, "/api/v1/orders", token: token, json: json, headers: key)
            #expect(response.status == .created, "\(response.text)")
            let order = try response.decode(OrderWire.self)
            #expect(order.status == "pending_approval")
            #expect(order.items.map(\.sku) == ["SIM-5GB", "ROUTER-AX3000"])
            #expect(order.items.map(\.kind) == ["sim", "physical"])
            #expect(order.items.map(\.unitPrice.amount) == ["9.90", "129.00"])
            #expect(order.items.map(\.total.amount) == ["19.80", "129.00"])
            #expect(order.subtotal == MoneyWire(amount: "148.80", currency: "EUR"))
            #expect(order.tax == MoneyWire(amount: "0.00", currency: "EUR"))
            #expect(order.total == order.subtotal)
            #expect(order.timeline.map(\.status) == ["draft", "pending_approval"])
            #expect(order.timeline.map(\.seq) == [1, 2])
            #expect(order.timeline.map(\.step) == ["order", "crm.create"])
            #expect(response.headers[.location] == "/api/v1/orders/\(order.id)")

            // The CRM sandbox holds a draft order for alice's account carrying Atrium's id.
            let crmID = try #require(order.crmOrderID)
            let crm = try #require(harness.services.providers.crm)
            let external = try await crm.order(id: crmID)
            #expect(external.atriumOrderID == order.id)
            #expect(external.accountID.prefix(15) == SalesforceSandbox.aliceAccountID.prefix(15))
            #expect(external.status == .draft)

            // The store agrees, and a replay with the same key answers the first order without a second one.
            let orderID = try #require(UUID(uuidString: order.id))
            let stored = try #require(try await harness.services.store.orders.order(id: orderID))
            #expect(stored.status == .pendingApproval && stored.crmOrderID == crmID)
            let replay = try await client.send(.post, "/api/v1/orders", token: token, json: json, headers: key)
            #expect(replay.status == .created)
            #expect(replay.headers[EdgeHeaders.idempotencyReplayed] == "true")
            #expect(try replay.decode(OrderWire.self).id == order.id)
            #expect(try await harness.services.store.orders.orders(userID: harness.alice, after: nil, limit: 10).count == 1)

            let shown = try await client.send(.get, "/api/v1/orders/\(order.id)", token: token)
            #expect(shown.status == .ok)
            #expect(try shown.decode(OrderWire.self) == order)
        }
    }

    @Test func invalidRequestsAreRefusedWithStableProblems() async throws {
        try await OrderHarness.with { harness, client in
            let alice = try await harness.token(harness.alice)
            func expectProblem(_ json: String, token: String, _ status: HTTPResponse.Status, _ type: String, mentions field: String) async throws {
                let response = try await client.send(.post, "/api/v1/orders", token: token, json: json)
                #expect(response.status == status, "\(json): \(response.text)")
                let problem = try response.decode(PortalProblemBody.self)
                #expect(problem.type == "urn:atrium:problem:\(type)", "\(json)")
                #expect(problem.detail?.contains(field) == true, "\(json): \(problem.detail ?? "")")
            }
            try await expectProblem(orderJSON([("NO-SUCH-SKU", 1)]), token: alice, .unprocessableContent, "order-item-unavailable", mentions: "items[0].sku")
            try await expectProblem(orderJSON([("SIM-5GB", 1), ("SIM-1GB-LEGACY", 1)]), token: alice, .unprocessableContent, "order-item-unavailable", mentions: "items[1].sku")
            try await expectProblem(orderJSON([("SIM-5GB", 0)]), token: alice, .badRequest, "validation", mentions: "items[0].quantity")
            try await expectProblem(orderJSON([("SIM-5GB", 11)]), token: alice, .badRequest, "validation", mentions: "items[0].quantity")
            try await expectProblem(orderJSON((0..<21).map { ("SKU-\($0)", 1) }), token: alice, .badRequest, "validation", mentions: "items")
            try await expectProblem(#"{"items": []}"#, token: alice, .badRequest, "validation", mentions: "items")
            try await expectProblem(orderJSON([("SIM-5GB", 1), ("SIM-5GB", 2)]), token: alice, .badRequest, "validation", mentions: "items[1].sku")
            try await expectProblem(orderJSON([("bad sku!", 1)]), token: alice, .badRequest, "validation", mentions: "items[0].sku")
            try await expectProblem(#"{"items": [{"sku": "SIM-5GB"}]}"#, token: alice, .badRequest, "validation", mentions: "quantity")
            try await expectProblem(#"{"items": "SIM-5GB"}"#, token: alice, .badRequest, "validation", mentions: "items")

            // carol has no links at all.
            let carol = try await harness.token(harness.carol)
            try await expectProblem(orderJSON([("SIM-5GB", 1)]), token: carol, .conflict, "account-not-linked", mentions: "sim")
            try await expectProblem(orderJSON([("ROUTER-AX3000", 1)]), token: carol, .conflict, "account-not-linked", mentions: "crm")
            // Without a SIM account (alice's SIM link removed) SIM items are refused, other items are not.
            try await harness.services.store.users.updateLinks(
                id: harness.alice,
                links: AccountLinks(billingProvider: "stripe", billingCustomerID: StripeSandbox.aliceCustomerID, crmAccountID: SalesforceSandbox.aliceAccountID)
            )
            try await expectProblem(orderJSON([("ROUTER-AX3000", 1), ("SIM-20GB", 1)]), token: alice, .conflict, "account-not-linked", mentions: "sim")
            #expect(try await harness.services.store.orders.orders(userID: harness.alice, after: nil, limit: 10).isEmpty, "nothing refused left an order behind")
            let router = try await client.send(.post, "/api/v1/orders", token: alice, json: orderJSON([("ROUTER-AX3000", 1)]))
            #expect(router.status == .created, "a non-SIM order needs no SIM account: \(router.text)")

            #expect(try await harness.services.store.orders.orders(userID: harness.carol, after: nil, limit: 10).isEmpty)
        }
    }

    @Test func aCRMOutageFailsTheOrderVisiblyAndAnswers503() async throws {
        try await OrderHarness.with { harness, client in
            let token = try await harness.token(harness.alice)
            // The catalog and billing customer are cached by a first order; then the CRM goes down.
            let first = try await client.send(.post, "/api/v1/orders", token: token, json: orderJSON([("TV-BASIC", 1)]))
            #expect(first.status == .created)
            harness.sandboxes.salesforce.control.inject("*", .status(503, body: nil))
            let response = try await client.send(.post, "/api/v1/orders", token: token, json: orderJSON([("TV-PREMIUM", 1)]))
            harness.sandboxes.salesforce.control.clearFaults()
            #expect(response.status == .serviceUnavailable, "\(response.text)")
            let problem = try response.decode(PortalProblemBody.self)
            #expect(problem.type == "urn:atrium:problem:upstream-unavailable")

            let orders = try await harness.services.store.orders.orders(userID: harness.alice, after: nil, limit: 10)
            let failed = try #require(orders.first { $0.status == .failed })
            #expect(problem.detail?.contains(failed.id.uuidString.lowercased()) == true, "the answer names the failed order")
            #expect(failed.crmOrderID == nil)
            #expect(failed.failureReason?.contains("CRM") == true)
            let timeline = try await harness.services.store.orders.timeline(orderID: failed.id, afterSeq: 0)
            #expect(timeline.map(\.status) == [.draft, .failed])
            #expect(timeline.last?.step == "crm.create" && timeline.last?.reason == failed.failureReason)
        }
    }

    // MARK: - Reading orders

    @Test func anotherCustomersOrderIsNotFoundLikeAMissingOne() async throws {
        try await OrderHarness.with { harness, client in
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
            let bob = try await harness.token(harness.bob)
            let paths = ["/api/v1/orders/\(order.id.uuidString.lowercased())", "/api/v1/orders/\(order.id.uuidString.lowercased())/events"]
            var bodies: [PortalProblemBody] = []
            for path in paths + ["/api/v1/orders/\(UUID().uuidString)", "/api/v1/orders/not-a-uuid", "/api/v1/orders/\(UUID().uuidString)/events"] {
                let response = try await client.send(.get, path, token: bob)
                #expect(response.status == .notFound, "\(path)")
                bodies.append(try response.decode(PortalProblemBody.self))
            }
            #expect(Set(bodies.map(\.type)) == ["urn:atrium:problem:not-found"])
            #expect(Set(bodies.map { $0.detail ?? "" }).count == 1, "the same answer for another's and a missing order")
            // The owner sees it; a staff token is refused on customer routes; no token is 401.
            let alice = try await harness.token(harness.alice)
            #expect(try await client.send(.get, paths[0], token: alice).status == .ok)
            #expect(try await client.send(.get, paths[0], token: try await harness.staffToken([.admin])).status == .forbidden)
            #expect(try await client.send(.get, paths[0], token: nil).status == .unauthorized)
            #expect(try await client.send(.post, "/api/v1/orders", token: nil, json: orderJSON([("SIM-5GB", 1)])).status == .unauthorized)
        }
    }

    @Test func theListIsNewestFirstAndPagesWithASignedCursor() async throws {
        try await OrderHarness.with { harness, client in
            let start = Date(timeIntervalSince1970: 1_750_000_000.125)
            var seeded: [String] = []
            for index in 0..<5 {
                let order = try await harness.seedOrder(for: harness.alice, createdAt: start.addingTimeInterval(Double(index) * 60))
                seeded.append(order.id.uuidString.lowercased())
            }
            try await harness.seedOrder(for: harness.bob)
            let token = try await harness.token(harness.alice)
            var ids: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = cursor.map { "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" } ?? ""
                let response = try await client.send(.get, "/api/v1/orders?limit=2\(query)", token: token)
                #expect(response.status == .ok, "\(response.text)")
                let page = try response.decode(OrderPageWire.self)
                #expect(page.data.count <= 2)
                ids += page.data.map(\.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(ids == seeded.reversed(), "newest first, each order once, bob's not among them")

            // A cursor is bound to its user: bob cannot replay alice's.
            let first = try await client.send(.get, "/api/v1/orders?limit=2", token: token).decode(OrderPageWire.self)
            let aliceCursor = try #require(first.nextCursor)
            let bob = try await harness.token(harness.bob)
            let stolen = try await client.send(.get, "/api/v1/orders?cursor=\(aliceCursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")", token: bob)
            #expect(stolen.status == .badRequest)
            let bobs = try await client.send(.get, "/api/v1/orders", token: bob).decode(OrderPageWire.self)
            #expect(bobs.data.count == 1 && bobs.nextCursor == nil)
        }
    }
}

// MARK: - Wire shapes as a client decodes them

struct MoneyWire: Decodable, Equatable {
    let amount: String
    let currency: String
}

struct OrderItemWire: Decodable, Equatable {
    let sku: String
    let name: String
    let kind: String
    let quantity: Int
    let unitPrice: MoneyWire
    let total: MoneyWire

    enum CodingKeys: String, CodingKey {
        case sku, name, kind, quantity, total
        case unitPrice = "unit_price"
    }
}

struct TimelineWire: Decodable, Equatable {
    let seq: Int
    let step: String
    let outcome: String
    let status: String
    let reason: String?
}

struct OrderWire: Decodable, Equatable {
    let id: String
    let status: String
    let items: [OrderItemWire]
    let subtotal: MoneyWire
    let tax: MoneyWire
    let total: MoneyWire
    let crmOrderID: String?
    let failureReason: String?
    let timeline: [TimelineWire]

    enum CodingKeys: String, CodingKey {
        case id, status, items, subtotal, tax, total, timeline
        case crmOrderID = "crm_order_id"
        case failureReason = "failure_reason"
    }
}

struct OrderSummaryWire: Decodable, Equatable {
    let id: String
    let status: String
}

struct OrderPageWire: Decodable {
    let data: [OrderSummaryWire]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }
}
