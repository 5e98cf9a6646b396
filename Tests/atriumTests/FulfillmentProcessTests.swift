import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Sandbox
import TestSupport
import Testing

/// Order fulfillment end to end across real processes: `atrium serve` takes the order and the webhooks,
/// `atrium worker` processes run the saga, the sandboxes are real HTTP servers, Redis and PostgreSQL are real.
@Suite("Order fulfillment (processes)", .serialized)
struct FulfillmentProcessTests {
    /// A SIM order approved by the CRM (a signed Salesforce change event to `/webhooks/salesforce`, processed by a
    /// worker), whose worker is SIGKILLed in the middle of provisioning: a new worker resumes it, the order is
    /// fulfilled, and the SIM platform shows exactly one activation.
    @Test func simOrderApprovedByTheCRMSurvivesAKilledWorker() async throws {
        // Slow SIM operations, so the kill lands while the saga is provisioning.
        let stack = try await FulfillmentStack.start(simOperationDelay: .milliseconds(1500))
        var workers: [AtriumProcess] = []
        do {
            let customer = try await stack.account()
            workers.append(try stack.startWorker())
            let placed = try await stack.call(
                "POST", "/api/v1/orders", token: customer.token, json: ["items": [["sku": "SIM-5GB", "quantity": 1]]],
                headers: ["Idempotency-Key": UUID().uuidString]
            )
            try #require(placed.status == 201, "place: \(placed.status) \(placed.text)")
            let id = try #require(placed.json["id"] as? String)
            let crmOrderID = try #require(placed.json["crm_order_id"] as? String)
            #expect(placed.json["status"] as? String == "pending_approval")

            // The CRM approves: its change event reaches the server's receiver and a worker approves the order.
            #expect(stack.sandboxes.salesforce.setOrderStatus(id: crmOrderID, to: "Approved"))
            _ = try await stack.waitForOrder(id, token: customer.token) { order in
                FulfillmentStack.timeline(order).contains { $0.hasPrefix("sim.allocate#0/") }
            }
            workers[0].crash()
            workers.append(try stack.startWorker())
            let done = try await stack.waitForOrder(id, token: customer.token, within: .seconds(90)) { order in
                ["fulfilled", "failed"].contains(order["status"] as? String ?? "")
            }
            #expect(done["status"] as? String == "fulfilled", "\(done)")
            let steps = FulfillmentStack.timeline(done)
            #expect(steps.contains("approval.crm/transitioned"), "\(steps)")
            #expect(steps.contains("sim.activate#0/succeeded"), "\(steps)")
            #expect(stack.sandboxes.sim.operationCount(kind: "activate") == 1)
            #expect(stack.sandboxes.sim.operationCount(kind: "allocate") == 1)
        } catch {
            for worker in workers { worker.forceStop() }
            await stack.stop()
            throw error
        }
        for worker in workers { worker.forceStop() }
        await stack.stop()
    }

    /// A physical-goods order approved by staff, followed live over Server-Sent Events from the server while a
    /// worker process fulfills it (the worker's timeline entries reach the server through Redis pub/sub).
    @Test func physicalOrderApprovedByStaffIsFollowedLive() async throws {
        let stack = try await FulfillmentStack.start()
        var workers: [AtriumProcess] = []
        do {
            let customer = try await stack.account()
            let staff = try await stack.account(staffRole: "ops")
            workers.append(try stack.startWorker())
            let placed = try await stack.call(
                "POST", "/api/v1/orders", token: customer.token, json: ["items": [["sku": "PHONE-A55", "quantity": 1]]]
            )
            try #require(placed.status == 201, "place: \(placed.status) \(placed.text)")
            let id = try #require(placed.json["id"] as? String)

            let events = try await stack.openEvents(orderID: id, token: customer.token)
            let approved = try await stack.call("POST", "/api/v1/admin/orders/\(id)/approve", token: staff.token)
            #expect(approved.status == 202, "approve: \(approved.status) \(approved.text)")
            let again = try await stack.call("POST", "/api/v1/admin/orders/\(id)/approve", token: staff.token)
            #expect(again.status == 200, "second approve: \(again.status) \(again.text)")

            let received = try await events.collect(until: "fulfilled", within: .seconds(60))
            let statuses = received.map(\.status)
            #expect(statuses.last == "fulfilled", "\(statuses)")
            #expect(statuses.contains("provisioning"), "\(statuses)")
            let seqs = received.map(\.seq)
            #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count && seqs.first == 1, "\(seqs)")
            let steps = received.map { "\($0.step)/\($0.outcome)" }
            #expect(steps.contains("supplier.order/succeeded"), "\(steps)")
            #expect(stack.sandboxes.supplier.control.callCount(SupplierSandbox.Operation.createPurchaseOrder) >= 1)
        } catch {
            for worker in workers { worker.forceStop() }
            await stack.stop()
            throw error
        }
        for worker in workers { worker.forceStop() }
        await stack.stop()
    }
}

extension FulfillmentStack {
    /// An open `GET /api/v1/orders/{id}/events` stream.
    struct EventStream {
        let body: HTTPClientResponse.Body

        /// One event's `data`: a timeline entry.
        struct Entry: Decodable, Sendable {
            let seq: Int
            let step: String
            let outcome: String
            let status: String
        }

        /// The entries received until one has `status == status` (or the stream ends).
        func collect(until status: String, within limit: Duration) async throws -> [Entry] {
            try await withThrowingTaskGroup(of: [Entry].self) { group in
                group.addTask {
                    var entries: [Entry] = []
                    var pending = ""
                    for try await chunk in body {
                        pending += String(buffer: chunk)
                        while let end = pending.range(of: "\n\n") {
                            let event = String(pending[..<end.lowerBound])
                            pending = String(pending[end.upperBound...])
                            for line in event.split(separator: "\n") where line.hasPrefix("data:") {
                                let json = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
                                let entry = try JSONDecoder().decode(Entry.self, from: Data(json.utf8))
                                entries.append(entry)
                                if entry.status == status { return entries }
                            }
                        }
                    }
                    return entries
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    throw CancellationError()
                }
                let entries = try await group.next() ?? []
                group.cancelAll()
                return entries
            }
        }
    }

    func openEvents(orderID: String, token: String) async throws -> EventStream {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/orders/\(orderID)/events")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await client.execute(request, timeout: .seconds(90))
        try #require(response.status == .ok, "events: \(response.status)")
        return EventStream(body: response.body)
    }
}
