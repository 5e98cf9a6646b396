import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Providers
import Queue
import Sandbox
import TestSupport
import Testing

/// The five receivers over HTTP on a real port, behind every middleware: the sandboxes' own signed webhooks, and
/// hand-signed ones for replays, forgeries and rotations; the memory store and PostgreSQL.
@Suite("Webhook receivers", .serialized)
struct WebhookReceiverTests {
    static let hmacUpstreams: [UpstreamID] = [.whmcs, .salesforce, .sim, .supplier]

    /// A Stripe event body with a fresh id.
    static func stripeEvent(id: String = "evt_test_\(UUID().uuidString.prefix(12))", type: String = "invoice.paid") -> Data {
        Data(#"{"id":"\#(id)","object":"event","type":"\#(type)","data":{"object":{"id":"in_1","object":"invoice","customer":"cus_DemoAlice0001"}}}"#.utf8)
    }

    // MARK: - Stripe from the sandbox

    @Test(arguments: WebhookHarness.Backend.allCases)
    func stripeSandboxEventsAreStoredAndProcessedOnce(_ backend: WebhookHarness.Backend) async throws {
        try await WebhookHarness.with(.init(backend: backend)) { harness, _ in
            let stripe = try #require(harness.services.providers.billing[.stripe])
            let request = try BillingOrderRequest(
                customerID: StripeSandbox.aliceCustomerID, lines: [.init(productID: StripeSandbox.staticIPPriceID, quantity: try Quantity(1))],
                idempotencyKey: "webhook-test-\(UUID())"
            )
            let order = try await stripe.createOrder(request)
            _ = try await stripe.activateOrder(id: order.id, idempotencyKey: request.idempotencyKey)
            let control = harness.sandboxes.stripe.control
            // subscription.created, invoice.created|finalized|paid|payment_succeeded, subscription.updated.
            try await harness.eventually("every Stripe delivery stored and processed") {
                let rows = try await harness.rows(.stripe)
                return control.deliveries.count >= 6 && rows.count == control.deliveries.count && rows.allSatisfy { $0.status == .processed }
            }
            #expect(control.deliveries.allSatisfy { $0.status == 200 })
            let rows = try await harness.rows(.stripe)
            #expect(Set(rows.map(\.eventType)).isSuperset(of: ["customer.subscription.created", "invoice.paid", "customer.subscription.updated"]))
            #expect(rows.allSatisfy { $0.eventID.hasPrefix("evt_") && $0.attempts == 1 && $0.headers["stripe-signature"] == nil })
        }
    }

    // MARK: - Duplicates

    @Test(arguments: WebhookHarness.Backend.allCases)
    func aDuplicateStripeEventIsStoredOnceAndProcessedOnce(_ backend: WebhookHarness.Backend) async throws {
        try await WebhookHarness.with(.init(backend: backend)) { harness, client in
            let body = Self.stripeEvent()
            let first = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body))
            #expect(first.status == .ok)
            #expect(try first.decode(WebhookAckBody.self) == WebhookAckBody(received: true, duplicate: false))
            let processed = try await harness.processed(.stripe)
            // Stripe retries with a new signature and timestamp, the same event id.
            let again = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body, timestamp: Int64(harness.now.timeIntervalSince1970) - 60))
            #expect(again.status == .ok)
            #expect(try again.decode(WebhookAckBody.self) == WebhookAckBody(received: true, duplicate: true))
            let rows = try await harness.rows(.stripe)
            #expect(rows.count == 1)
            #expect(rows.first?.id == processed.first?.id)
            #expect(rows.first?.attempts == 1 && rows.first?.status == .processed)
            let counts = try await harness.webhookQueue.counts()
            #expect(counts.completed == 1 && counts.waiting == 0 && counts.delayed == 0 && counts.active == 0)
            let inboxID = try #require(rows.first?.id)
            let job = try #require(try await harness.webhookQueue.job(id: WebhookProcessingJob.jobID(inboxID: inboxID)))
            #expect(job.runs == 1)
        }
    }

    @Test func aDuplicateOfAnUnprocessedEventIsQueuedAgainNotTwice() async throws {
        try await WebhookHarness.with(.init(worker: false)) { harness, client in
            let body = Self.stripeEvent()
            for _ in 0..<3 {
                let response = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body))
                #expect(response.status == .ok)
            }
            #expect(try await harness.rows(.stripe).count == 1)
            // Job id = inbox id: the re-enqueues of the duplicates found the waiting job.
            #expect(try await harness.webhookQueue.counts().waiting == 1)
        }
    }

    // MARK: - Replays, forgeries, changed bytes

    @Test func aReplayedStripeEventOlderThan300SecondsIsRefused() async throws {
        try await WebhookHarness.with { harness, client in
            let body = Self.stripeEvent()
            let now = Int64(harness.now.timeIntervalSince1970)
            let stale = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body, timestamp: now - 301))
            #expect(stale.status == .unauthorized)
            #expect(try stale.decode(WebhookProblemBody.self) == WebhookProblemBody(type: "urn:atrium:problem:webhook-timestamp-out-of-tolerance", status: 401))
            #expect(stale.headers[.contentType] == "application/problem+json")
            #expect(try await harness.rows(.stripe).isEmpty)
            // The same event signed within the window is taken: the refusal was the timestamp's.
            let fresh = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body, timestamp: now - 250))
            #expect(fresh.status == .ok)
        }
    }

    @Test func aTimestamp301SecondsInTheFutureIsRefused() async throws {
        try await WebhookHarness.with { harness, client in
            let body = Self.stripeEvent()
            let now = Int64(harness.now.timeIntervalSince1970)
            let future = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body, timestamp: now + 301))
            #expect(future.status == .unauthorized)
            #expect(try future.decode(WebhookProblemBody.self).type == "urn:atrium:problem:webhook-timestamp-out-of-tolerance")
            // The server's clock is what counts: move it 301 s ahead and an event signed "now" is a replay.
            harness.setClockOffset(301)
            let late = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body, timestamp: now))
            #expect(late.status == .unauthorized)
            #expect(try await harness.rows(.stripe).isEmpty)
        }
    }

    @Test func aForgedStripeSignatureIsRefused() async throws {
        try await WebhookHarness.with { harness, client in
            let body = Self.stripeEvent()
            let forged = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body, secret: "whsec_forged"))
            #expect(forged.status == .unauthorized)
            #expect(try forged.decode(WebhookProblemBody.self) == WebhookProblemBody(type: "urn:atrium:problem:webhook-signature-invalid", status: 401))
            let unsigned = try await client.webhook(.stripe, body: body, headers: [.contentType: "application/json"])
            #expect(unsigned.status == .unauthorized)
            let garbled = try await client.webhook(.stripe, body: body, headers: [.contentType: "application/json", WebhookUpstream.stripeSignature: "t=abc,v1=zz"])
            #expect(garbled.status == .unauthorized)
            #expect(try await harness.rows(.stripe).isEmpty)
            #expect(try await harness.webhookQueue.counts().waiting == 0)
        }
    }

    @Test func aBodyChangedByOneByteIsRefused() async throws {
        try await WebhookHarness.with { harness, client in
            let body = Self.stripeEvent(type: "invoice.paid")
            let headers = try harness.signedHeaders(.stripe, body: body)
            var changed = body
            let index = try #require(changed.firstIndex(of: UInt8(ascii: "p")))
            changed[index] = UInt8(ascii: "q")
            let response = try await client.webhook(.stripe, body: changed, headers: headers)
            #expect(response.status == .unauthorized)
            #expect(try response.decode(WebhookProblemBody.self).type == "urn:atrium:problem:webhook-signature-invalid")
            #expect(try await client.webhook(.stripe, body: body, headers: headers).status == .ok)
            #expect(try await harness.rows(.stripe).count == 1)
        }
    }

    // MARK: - Secret rotation

    @Test func duringARotationEitherSecretIsAccepted() async throws {
        try await WebhookHarness.with(.init(secrets: { $0[.stripe] = [Secret("whsec_rotated_new"), Secret("whsec_rotated_old")] })) { harness, client in
            for secret in ["whsec_rotated_old", "whsec_rotated_new"] {
                let body = Self.stripeEvent()
                let response = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body, secret: secret))
                #expect(response.status == .ok, "signed with \(secret)")
            }
            // Stripe signs with both while rolling: one v1 per secret, one of them unknown here.
            let body = Self.stripeEvent()
            let time = Int64(harness.now.timeIntervalSince1970)
            let both = StripeSignature.header(body: body, timestamp: time, secrets: ["whsec_unknown", "whsec_rotated_new"])
            let rolled = try await client.webhook(.stripe, body: body, headers: [.contentType: "application/json", WebhookUpstream.stripeSignature: both])
            #expect(rolled.status == .ok)
            let retired = Self.stripeEvent()
            let refused = try await client.webhook(.stripe, body: retired, headers: try harness.signedHeaders(.stripe, body: retired))
            #expect(refused.status == .unauthorized, "the sandbox's own secret is no longer configured")
            #expect(try await harness.rows(.stripe).count == 3)
        }
    }

    // MARK: - The HMAC upstreams

    @Test func theHMACUpstreamsSandboxesDeliverVerifiedEvents() async throws {
        try await WebhookHarness.with { harness, _ in
            let providers = harness.services.providers
            // WHMCS: AcceptOrder and ServiceStatusChange hooks for bob's new order.
            let whmcs = try #require(providers.billing[.whmcs])
            let request = try BillingOrderRequest(
                customerID: WHMCSSandbox.bobClientID, lines: [.init(productID: WHMCSSandbox.simStarterKitPID, quantity: try Quantity(1))],
                idempotencyKey: "webhook-test-\(UUID())"
            )
            let order = try await whmcs.createOrder(request)
            _ = try await whmcs.activateOrder(id: order.id, idempotencyKey: request.idempotencyKey)
            // Salesforce: an order's status change.
            let crm = try #require(providers.crm)
            let crmOrder = try await crm.createOrder(try WebhookProcessingTests.crmDraft(atriumOrderID: UUID()))
            _ = try await crm.updateOrderStatus(id: crmOrder.id, to: .pendingApproval)
            // SIM platform: a plan change that finishes (200 ms in this sandbox).
            let sim = try #require(providers.sim)
            let line = try #require(SIMSandbox.aliceLineIDs.first)
            _ = try await sim.changePlan(lineID: line, plan: SIMSandbox.plan20GB, idempotencyKey: "webhook-test-\(UUID())")
            // Supplier: a purchase order (its creation is a status change) moved on by the warehouse.
            let supplier = try #require(providers.suppliers.compactMap { $0 as? any SupplierOrdering }.first)
            let purchase = try await supplier.placeOrder(
                try PurchaseOrderRequest(lines: [.init(itemID: "SUP-00001", quantity: try Quantity(1))], reference: "webhook-test-\(UUID())")
            )
            #expect(harness.sandboxes.supplier.setStatus(orderID: purchase.id, to: "confirmed") != nil)

            for upstream in Self.hmacUpstreams {
                let control = try #require(harness.sandboxes.all.first { $0.upstream == upstream }?.control)
                try await harness.eventually("\(upstream.rawValue) deliveries stored and processed") {
                    let rows = try await harness.rows(upstream)
                    return !control.deliveries.isEmpty && rows.count == control.deliveries.count && rows.allSatisfy { $0.status == .processed }
                }
                #expect(control.deliveries.allSatisfy { $0.status == 200 }, "\(upstream.rawValue): \(control.deliveries.map(\.status))")
            }
            #expect(Set(try await harness.rows(.whmcs).map(\.eventType)).isSuperset(of: ["AcceptOrder", "ServiceStatusChange"]))
            #expect(try await harness.rows(.salesforce).allSatisfy { $0.eventType == "OrderChangeEvent" && $0.eventID.contains(":") })
            #expect(try await harness.rows(.sim).map(\.eventType).contains("line.planChanged"))
            #expect(try await harness.rows(.supplier).count == 2)
        }
    }

    @Test(arguments: [UpstreamID.whmcs, .salesforce, .sim, .supplier])
    func theHMACUpstreamsRefuseForgedStaleAndUnsignedEvents(_ upstream: UpstreamID) async throws {
        try await WebhookHarness.with(.init(worker: false)) { harness, client in
            let body = try Self.fixtureEvent(upstream)
            let now = Int64(harness.now.timeIntervalSince1970)
            let receiver = WebhookUpstream(upstream)
            let timestampHeader = try #require(receiver.timestampHeader)
            var refusals: [(String, HTTPFields, String)] = []
            refusals.append(("forged", try harness.signedHeaders(upstream, body: body, secret: "forged-secret"), "webhook-signature-invalid"))
            refusals.append(("stale", try harness.signedHeaders(upstream, body: body, timestamp: now - 301), "webhook-timestamp-out-of-tolerance"))
            refusals.append(("future", try harness.signedHeaders(upstream, body: body, timestamp: now + 301), "webhook-timestamp-out-of-tolerance"))
            var unstamped = try harness.signedHeaders(upstream, body: body)
            unstamped[timestampHeader] = nil
            refusals.append(("no timestamp", unstamped, "webhook-signature-invalid"))
            var unsigned = try harness.signedHeaders(upstream, body: body)
            unsigned[receiver.signatureHeader] = nil
            refusals.append(("no signature", unsigned, "webhook-signature-invalid"))
            // Another upstream's secret does not open this receiver.
            let other: UpstreamID = upstream == .sim ? .supplier : .sim
            refusals.append(("other upstream's secret", try harness.signedHeaders(upstream, body: body, secret: try harness.secret(other)), "webhook-signature-invalid"))
            for (name, headers, type) in refusals {
                let response = try await client.webhook(upstream, body: body, headers: headers)
                #expect(response.status == .unauthorized, "\(upstream.rawValue) \(name)")
                #expect(try response.decode(WebhookProblemBody.self).type == "urn:atrium:problem:\(type)", "\(upstream.rawValue) \(name)")
            }
            var changed = body
            changed.append(UInt8(ascii: " "))
            let oneByte = try await client.webhook(upstream, body: changed, headers: try harness.signedHeaders(upstream, body: body))
            #expect(oneByte.status == .unauthorized)
            #expect(try await harness.rows(upstream).isEmpty)
            let valid = try await client.webhook(upstream, body: body, headers: try harness.signedHeaders(upstream, body: body))
            #expect(valid.status == .ok)
            #expect(try await harness.rows(upstream).count == 1)
        }
    }

    /// A real-shaped event of `upstream` from the fixtures (WHMCS: the sandbox's documented shape).
    static func fixtureEvent(_ upstream: UpstreamID) throws -> Data {
        switch upstream {
        case .salesforce: try SandboxFixtures.data("salesforce/derived/cdc_order_change_event.json")
        case .sim: try SandboxFixtures.data("sim/webhook_line_activated.json")
        case .supplier: try SandboxFixtures.data("supplier-api/webhook_purchase_order_status_changed.json")
        default:
            Data(#"{"created":1750000000,"event":"InvoicePaid","id":"evt_000042","vars":{"invoiceid":7,"userid":1002}}"#.utf8)
        }
    }
}
