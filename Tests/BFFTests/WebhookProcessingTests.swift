import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Providers
import Queue
import Sandbox
import TestSupport
import Testing

/// What processing a stored webhook does, driven end to end: a sandbox changes state, really sends its signed
/// webhook to the receiver, and the `webhooks` worker acts on it (orders approved, caches invalidated, timelines
/// noted), on the memory store and PostgreSQL.
@Suite("Webhook processing", .serialized)
struct WebhookProcessingTests {
    // MARK: - Salesforce approval

    @Test(arguments: WebhookHarness.Backend.allCases)
    func aCRMApprovalApprovesTheOrderAndEnqueuesOneFulfillmentJob(_ backend: WebhookHarness.Backend) async throws {
        try await WebhookHarness.with(.init(backend: backend)) { harness, client in
            let crm = try #require(harness.services.providers.crm)
            let orderID = UUID()
            let crmOrder = try await crm.createOrder(try Self.crmDraft(atriumOrderID: orderID))
            try await Self.createOrder(harness, id: orderID, crmOrderID: crmOrder.id)
            let orders = harness.services.store.orders
            // A CRM user approves the order: the sandbox sends the OrderChangeEvent to /webhooks/salesforce.
            _ = try await crm.updateOrderStatus(id: crmOrder.id, to: .approved)
            try await harness.eventually("the order approved") { try await orders.order(id: orderID)?.status == .approved }
            let approvalRow = try #require(try await harness.processed(.salesforce).first { Self.status(of: $0) == "Approved" })
            let fulfillment = try #require(harness.services.jobs[FulfillmentJob.queue])
            #expect(try await fulfillment.counts().waiting == 1)
            #expect(try await fulfillment.job(id: FulfillmentJob.jobID(orderID: orderID)) != nil)
            let approved = try #require(try await orders.order(id: orderID))
            let timeline = try await orders.timeline(orderID: orderID, afterSeq: 0)
            #expect(timeline.filter { $0.step == "approval.crm" }.count == 1)

            // The same event delivered again: a duplicate, not processed again.
            let redelivered = try await client.webhook(
                .salesforce, body: approvalRow.payload, headers: try harness.signedHeaders(.salesforce, body: approvalRow.payload)
            )
            #expect(try redelivered.decode(WebhookAckBody.self) == WebhookAckBody(received: true, duplicate: true))
            // A second, distinct approval event for the same order (another transaction): processed, changes nothing.
            let second = try Self.withNewTransactionKey(approvalRow.payload)
            let again = try await client.webhook(.salesforce, body: second, headers: try harness.signedHeaders(.salesforce, body: second))
            #expect(try again.decode(WebhookAckBody.self) == WebhookAckBody(received: true, duplicate: false))
            try await harness.eventually("the second approval processed") {
                let rows = try await harness.rows(.salesforce)
                return rows.count >= 2 && rows.allSatisfy { $0.status == .processed }
            }
            let after = try #require(try await orders.order(id: orderID))
            #expect(after.status == .approved && after.version == approved.version)
            #expect(try await orders.timeline(orderID: orderID, afterSeq: 0).count == timeline.count)
            #expect(try await fulfillment.counts().waiting == 1)
            #expect(try await harness.rows(.salesforce).allSatisfy { $0.attempts == 1 })
        }
    }

    @Test func otherCRMStatusesAndFailedOrdersMoveNothing() async throws {
        try await WebhookHarness.with { harness, _ in
            let crm = try #require(harness.services.providers.crm)
            let orders = harness.services.store.orders
            // A pending order the CRM marks cancelled, and a failed order the CRM approves (an event older than the failure).
            let pendingID = UUID()
            let pendingCRM = try await crm.createOrder(try Self.crmDraft(atriumOrderID: pendingID))
            try await Self.createOrder(harness, id: pendingID, crmOrderID: pendingCRM.id)
            let failedID = UUID()
            let failedCRM = try await crm.createOrder(try Self.crmDraft(atriumOrderID: failedID))
            try await Self.createOrder(harness, id: failedID, crmOrderID: failedCRM.id)
            try await harness.services.ledger.transition(orderID: failedID, to: .failed, reason: "test")
            let before = try await [orders.timeline(orderID: pendingID, afterSeq: 0).count, orders.timeline(orderID: failedID, afterSeq: 0).count]
            let deliveriesBefore = harness.sandboxes.salesforce.control.deliveries.count
            _ = try await crm.updateOrderStatus(id: pendingCRM.id, to: .cancelled)
            _ = try await crm.updateOrderStatus(id: failedCRM.id, to: .approved)
            try await harness.deliveries(.salesforce, atLeast: deliveriesBefore + 2)
            _ = try await harness.processed(.salesforce, atLeast: deliveriesBefore + 2)
            #expect(try await orders.order(id: pendingID)?.status == .pendingApproval)
            #expect(try await orders.order(id: failedID)?.status == .failed)
            let after = try await [orders.timeline(orderID: pendingID, afterSeq: 0).count, orders.timeline(orderID: failedID, afterSeq: 0).count]
            #expect(after == before)
            #expect(try await harness.services.jobs[FulfillmentJob.queue]?.counts() == QueueCounts())
        }
    }

    @Test func anOrderChangeWithAnUnmappedStatusFailsForStaffToSee() async throws {
        try await WebhookHarness.with { harness, client in
            let body = try SandboxFixtures.data("salesforce/derived/broken_cdc_order_change_unknown_status.json")
            let response = try await client.webhook(.salesforce, body: body, headers: try harness.signedHeaders(.salesforce, body: body))
            #expect(response.status == .ok)
            try await harness.eventually("the row failed and its job dead-lettered") {
                let rows = try await harness.rows(.salesforce)
                let dead = try await harness.webhookQueue.counts().dead
                return rows.first?.status == .failed && dead == 1
            }
            let row = try #require(try await harness.rows(.salesforce).first)
            #expect(row.lastError?.contains("unreadable order change") == true)
            #expect(row.attempts == 1)
        }
    }

    // MARK: - Cache invalidation

    @Test(arguments: WebhookHarness.Backend.allCases)
    func aStripeInvoiceEventInvalidatesThatCustomersCachedInvoices(_ backend: WebhookHarness.Backend) async throws {
        try await WebhookHarness.with(.init(backend: backend)) { harness, client in
            let token = try await Self.token(harness, user: harness.alice)
            #expect(try await Self.read(client, "/api/v1/invoices", token: token) == "MISS")
            #expect(try await Self.read(client, "/api/v1/invoices", token: token) == "HIT")
            // An event for a customer no Atrium user is linked to (bob bills with WHMCS here) leaves alice's cache alone.
            let other = WebhookReceiverTests.stripeEvent().replacing(Data("cus_DemoAlice0001".utf8), with: Data(StripeSandbox.bobCustomerID.utf8))
            #expect(try await client.webhook(.stripe, body: other, headers: try harness.signedHeaders(.stripe, body: other)).status == .ok)
            _ = try await harness.processed(.stripe, atLeast: 1)
            #expect(try await Self.read(client, "/api/v1/invoices", token: token) == "HIT")
            // A real invoice for alice in the Stripe sandbox: invoice.created, invoice.finalized reach the receiver.
            let stripe = try #require(harness.services.providers.billing[.stripe])
            _ = try await stripe.createOrder(
                try BillingOrderRequest(
                    customerID: StripeSandbox.aliceCustomerID, lines: [.init(productID: StripeSandbox.staticIPPriceID, quantity: try Quantity(1))],
                    idempotencyKey: "webhook-test-\(UUID())"
                )
            )
            try await harness.eventually("alice's invoice events processed") {
                let rows = try await harness.rows(.stripe)
                return rows.contains { $0.eventType == "invoice.finalized" } && rows.allSatisfy { $0.status == .processed }
            }
            #expect(try await Self.read(client, "/api/v1/invoices", token: token) == "MISS")
        }
    }

    @Test func aSIMEventInvalidatesTheLinesAccountsCachedSIMs() async throws {
        try await WebhookHarness.with { harness, client in
            let token = try await Self.token(harness, user: harness.alice)
            #expect(try await Self.read(client, "/api/v1/sims", token: token) == "MISS")
            #expect(try await Self.read(client, "/api/v1/sims", token: token) == "HIT")
            let sim = try #require(harness.services.providers.sim)
            let line = try #require(SIMSandbox.aliceLineIDs.last)
            _ = try await sim.changePlan(lineID: line, plan: SIMSandbox.plan5GB, idempotencyKey: "webhook-test-\(UUID())")
            try await harness.eventually("line.planChanged processed") {
                try await harness.rows(.sim).contains { $0.eventType == "line.planChanged" && $0.status == .processed }
            }
            #expect(try await Self.read(client, "/api/v1/sims", token: token) == "MISS")
        }
    }

    // MARK: - Supplier

    @Test func supplierPurchaseOrderEventsAreNotedOnTheOrdersTimeline() async throws {
        try await WebhookHarness.with { harness, client in
            let orderID = UUID()
            try await Self.createOrder(harness, id: orderID, crmOrderID: nil)
            let supplier = try #require(harness.services.providers.suppliers.compactMap { $0 as? any SupplierOrdering }.first)
            let reference = SagaStepRecord.idempotencyKey(orderID: orderID, step: "supplier.order")
            let purchase = try await supplier.placeOrder(
                try PurchaseOrderRequest(lines: [.init(itemID: "SUP-00001", quantity: try Quantity(2))], reference: reference)
            )
            #expect(harness.sandboxes.supplier.setStatus(orderID: purchase.id, to: "confirmed") != nil)
            let rows = try await harness.processed(.supplier, atLeast: 2)
            let orders = harness.services.store.orders
            var notes = try await orders.timeline(orderID: orderID, afterSeq: 0).filter { $0.step == "webhook.supplier" }
            #expect(notes.count == 2)
            #expect(notes.allSatisfy { $0.outcome == .received && $0.status == .pendingApproval })
            #expect(notes.contains { $0.reason?.contains("\(purchase.id) is confirmed (was received)") == true })
            // A redelivery is a duplicate; nothing is noted twice.
            let first = try #require(rows.first)
            let again = try await client.webhook(.supplier, body: first.payload, headers: try harness.signedHeaders(.supplier, body: first.payload))
            #expect(try again.decode(WebhookAckBody.self).duplicate)
            notes = try await orders.timeline(orderID: orderID, afterSeq: 0).filter { $0.step == "webhook.supplier" }
            #expect(notes.count == 2)
            #expect(try await orders.order(id: orderID)?.status == .pendingApproval)
        }
    }

    // MARK: - Helpers

    static func crmDraft(atriumOrderID: UUID) throws -> ExternalOrderDraft {
        try ExternalOrderDraft(
            accountID: SalesforceSandbox.aliceAccountID, atriumOrderID: atriumOrderID.uuidString.lowercased(), items: [try item()], effectiveDate: Date()
        )
    }

    static func item() throws -> OrderItem {
        OrderItem(sku: try SKU("SIM-20GB"), name: "SIM 20 GB", kind: .sim, quantity: try Quantity(1), unitPrice: Money(minorUnits: 1990, currency: try Currency("EUR")))
    }

    /// Alice's order `id`, placed and waiting for approval, linked to `crmOrderID`.
    static func createOrder(_ harness: WebhookHarness, id: UUID, crmOrderID: String?) async throws {
        let item = try item()
        let zero = Money(minorUnits: 0, currency: item.unitPrice.currency)
        let now = Date()
        let order = Order(
            id: id, tenant: WebhookHarness.tenant, userID: harness.alice, items: [item], subtotal: item.unitPrice, tax: zero, total: item.unitPrice,
            createdAt: now, updatedAt: now
        )
        let ledger = harness.services.ledger
        _ = try await ledger.create(order)
        try await ledger.transition(orderID: id, to: .pendingApproval) { $0.crmOrderID = crmOrderID }
    }

    /// `data.payload.Status` of a stored change event.
    static func status(of row: StoredWebhook) -> String? {
        let json = try? JSONSerialization.jsonObject(with: row.payload) as? [String: Any]
        let data = json?["data"] as? [String: Any]
        return (data?["payload"] as? [String: Any])?["Status"] as? String
    }

    /// The event with another `ChangeEventHeader.transactionKey`: the same change, as a new event.
    static func withNewTransactionKey(_ body: Data) throws -> Data {
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let payload = (json["data"] as? [String: Any])?["payload"] as? [String: Any]
        let key = try #require((payload?["ChangeEventHeader"] as? [String: Any])?["transactionKey"] as? String)
        return body.replacing(Data(key.utf8), with: Data(UUID().uuidString.lowercased().utf8))
    }

    static func token(_ harness: WebhookHarness, user: UUID) async throws -> String {
        let identity = AuthenticatedUser(userID: user, tenant: WebhookHarness.tenant, kind: .customer, roles: [.customer], family: nil)
        return try await TokenService(secret: harness.services.jwtSecret, clock: harness.services.clock).issue(for: identity).token
    }

    /// GETs `path` as the token's user and returns `X-Cache`.
    static func read(_ client: some TestClientProtocol, _ path: String, token: String) async throws -> String? {
        let response = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(token)"])
        #expect(response.status == .ok, "\(path): \(String(buffer: response.body).prefix(200))")
        return response.headers[.xCache]
    }
}
