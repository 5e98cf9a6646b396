@testable import BFF
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Domain
import Foundation
import Queue
import Testing

/// `GET /admin/orders` and `POST /admin/orders/{id}/cancel`.
@Suite struct AdminOrdersTests {
    @Test func filtersAndPages() async throws {
        try await OrderHarness.withAdmin { harness, client in
            let token = try await harness.staffToken([.finance])
            let base = Date(timeIntervalSince1970: 1_900_000_000)
            var aliceOrders: [Order] = []
            for index in 0..<5 { aliceOrders.append(try await harness.seedOrder(for: harness.alice, createdAt: base.addingTimeInterval(Double(index) * 60))) }
            let pending = try await harness.seedOrder(for: harness.bob, createdAt: base.addingTimeInterval(600), moveTo: [.pendingApproval])
            _ = try await harness.seedOrder(for: harness.bob, tenant: "other", createdAt: base)

            var seen: [String] = []
            var path = "/api/v1/admin/orders?customer=\(harness.alice)&limit=2"
            for _ in 0..<5 {
                let body = try jsonObject(try await client.send(.get, path, token: token))
                seen += (body["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                guard let next = body["next_cursor"] as? String else { break }
                path = "/api/v1/admin/orders?customer=\(harness.alice)&limit=2&cursor=\(next)"
            }
            #expect(seen == aliceOrders.reversed().map { $0.id.uuidString.lowercased() })

            let byStatus = try jsonObject(try await client.send(.get, "/api/v1/admin/orders?status=pending_approval", token: token))
            #expect((byStatus["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [pending.id.uuidString.lowercased()])
            let from = ISO8601DateFormatter().string(from: base.addingTimeInterval(150))
            let until = ISO8601DateFormatter().string(from: base.addingTimeInterval(300))
            let window = try jsonObject(try await client.send(.get, "/api/v1/admin/orders?created_from=\(from)&created_until=\(until)", token: token))
            #expect((window["data"] as? [Any])?.count == 2)
            // The other tenant's order is not listed, and its staff see only theirs.
            let all = try jsonObject(try await client.send(.get, "/api/v1/admin/orders?limit=100", token: token))
            #expect((all["data"] as? [Any])?.count == 6)
            #expect(try await client.send(.get, "/api/v1/admin/orders?status=nope", token: token).status == .badRequest)
        }
    }

    @Test func cancelOfProvisioningOrderRequeuesItsFulfillmentJob() async throws {
        try await OrderHarness.withAdmin(.redis) { harness, client in
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval, .approved, .provisioning])
            try await harness.services.ledger.update(orderID: order.id, event: nil) { $0.saga = .running }
            // The saga's job is waiting on a slow upstream (snoozed = delayed far ahead).
            let queue = try #require(harness.services.jobs[FulfillmentJob.queue])
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let options = JobOptions(jobID: FulfillmentJob.jobID(orderID: order.id), runAt: now + 3_600_000)
            let payload = Array(try JSONEncoder().encode(FulfillmentJob.Payload(orderID: order.id, traceparent: nil)))
            _ = try await queue.enqueue(name: FulfillmentJob.name, payload: payload, options: options, now: now)
            #expect(try await harness.fulfillmentJobs(order.id).first?.state == .delayed)

            let path = "/api/v1/admin/orders/\(order.id)/cancel"
            #expect(try await client.send(.post, path, token: try await harness.staffToken([.finance])).status == .forbidden)
            #expect(try await client.send(.post, path, token: try await harness.staffToken([.ops], tenant: "other")).status == .notFound)
            let staff = UUID()
            let response = try await client.send(.post, path, token: try await harness.staffToken([.ops], user: staff))
            #expect(response.status == .ok)
            #expect(try jsonObject(response)["status"] as? String == "cancelled")
            // The job is due now: the next run compensates (SagaRun: a cancelled order with a running saga).
            #expect(try await harness.fulfillmentJobs(order.id).first?.state == .waiting)
            let rows = try await harness.auditRows(action: "order.cancel", subject: "order:\(order.id.uuidString.lowercased())")
            #expect(rows.contains { $0.actorID == staff && $0.outcome == "success" && $0.details["compensation"] == "promoted" })
            #expect(rows.contains { $0.outcome == "denied" })

            // Cancelling again changes nothing; a fulfilled order cannot be cancelled.
            #expect(try await client.send(.post, path, token: try await harness.staffToken([.ops])).status == .ok)
            let done = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval, .approved, .provisioning, .fulfilled])
            #expect(try await client.send(.post, "/api/v1/admin/orders/\(done.id)/cancel", token: try await harness.staffToken([.admin])).status == .conflict)
        }
    }

    @Test func cancelOfApprovedOrderWithoutSagaNeedsNoJob() async throws {
        try await OrderHarness.withAdmin { harness, client in
            let order = try await harness.seedOrder(for: harness.bob, moveTo: [.pendingApproval])
            let response = try await client.send(.post, "/api/v1/admin/orders/\(order.id)/cancel", token: try await harness.staffToken([.sales]))
            #expect(response.status == .ok)
            #expect(try await harness.fulfillmentJobs(order.id).isEmpty)
            let rows = try await harness.auditRows(action: "order.cancel", subject: "order:\(order.id.uuidString.lowercased())")
            #expect(rows.first?.details["compensation"] == "not_needed")
        }
    }
}
