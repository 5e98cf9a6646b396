import Domain
import Foundation
import ProviderConformance
import Providers
import Sandbox
import Testing

/// ``StripeBillingProvider`` against a running ``StripeSandbox`` over real HTTP: the shared billing suite
/// (capability and transport checks) and what is particular to Stripe (idempotency keys, the pinned version).
@Suite("Stripe conformance")
struct StripeConformanceTests {
    /// Starts a fresh sandbox, runs `body`, and stops the sandbox also when `body` fails.
    static func withSandbox(_ body: (StripeSandbox, SandboxServer, BillingHarness) async throws -> Void) async throws {
        let sandbox = try StripeSandbox()
        let server = try await SandboxServer.start(sandbox)
        do {
            try await body(sandbox, server, try harness(sandbox, server))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func harness(_ sandbox: StripeSandbox, _ server: SandboxServer) throws -> BillingHarness {
        let (baseURL, apiKey) = (server.baseURL, sandbox.apiKey)
        return BillingHarness(
            control: sandbox.control,
            make: { setup in
                var configuration = TransportConfiguration(baseURL: baseURL)
                setup.tune(&configuration)
                let key = setup.validCredentials ? apiKey : SandboxSigning.randomSecret("sk_test_")
                return StripeBillingProvider(configuration: configuration, credentials: StripeCredentials(apiKey: key))
            },
            customerID: StripeSandbox.aliceCustomerID,
            invoicePageSize: 10,
            expectedInvoiceCount: StripeSandbox.aliceInvoiceCount,
            unknownCustomerID: "cus_Unknown000000001",
            unknownInvoiceID: "in_1Unknown0000000000000001",
            orderLines: [try BillingOrderRequest.Line(productID: StripeSandbox.fibre100PriceID, quantity: Quantity(1))],
            customerOperation: "GET /v1/customers/{id}",
            createOrderOperation: "POST /v1/subscriptions"
        )
    }

    @Test(arguments: BillingConformance.all)
    func billingConformance(_ check: BillingCheck) async throws {
        try await Self.withSandbox { _, _, harness in try await check.run(harness) }
    }

    // MARK: Stripe specifics

    @Test func everyPostCarriesAnIdempotencyKeyAndReplaysAreAnsweredFromTheFirst() async throws {
        try await Self.withSandbox { sandbox, _, harness in
            let provider = harness.provider
            let alice = StripeSandbox.aliceCustomerID
            let line = try BillingOrderRequest.Line(productID: StripeSandbox.mobile10GBPriceID, quantity: Quantity(2))
            let request = try BillingOrderRequest(customerID: alice, lines: [line], idempotencyKey: "order-42:create")
            let order = try await provider.createOrder(request)
            let replay = try await provider.createOrder(request)
            #expect(replay == order)
            _ = try await provider.activateOrder(id: order.id, idempotencyKey: "order-42:activate")
            let paid = try #require(order.invoiceID)
            let euro = try Currency("EUR")
            _ = try await provider.refund(
                RefundRequest(
                    customerID: alice, invoiceID: paid, amount: Money(minorUnits: 100, currency: euro), idempotencyKey: "order-42:refund")
            )
            _ = try await provider.refund(
                RefundRequest(
                    customerID: alice, invoiceID: nil, amount: Money(minorUnits: 100, currency: euro), idempotencyKey: "order-42:credit")
            )
            let second = try await provider.createOrder(
                BillingOrderRequest(customerID: alice, lines: [line], idempotencyKey: "order-43:create")
            )
            _ = try await provider.cancelOrder(id: second.id, idempotencyKey: "order-43:cancel")

            let posts = sandbox.control.calls().filter { $0.method == "POST" }
            #expect(
                Set(posts.map(\.operation)) == [
                    "POST /v1/subscriptions", "POST /v1/invoices/{id}/pay", "POST /v1/refunds",
                    "POST /v1/customers/{id}/balance_transactions", "POST /v1/invoices/{id}/void",
                ])
            for post in posts {
                let key = try #require(post.header("Idempotency-Key"), "\(post.operation) without an Idempotency-Key")
                #expect(key.hasPrefix("atrium:") && key.count <= 255)
            }
            let creates = sandbox.control.calls("POST /v1/subscriptions").compactMap { $0.header("Idempotency-Key") }
            #expect(creates.count == 3)
            #expect(creates[0] == creates[1] && creates[1] != creates[2])
            // The replay was answered with the stored answer (`Idempotent-Replayed: true`), not a second subscription.
            #expect(sandbox.replayedIdempotencyKeys == [creates[0]])
            let subscriptions = try await provider.subscriptions(customerID: alice)
            #expect(subscriptions.filter { $0.productID == "prod_DemoMobile10GB" }.count == 3)
            // Form-encoded nested keys arrived as Stripe reads them.
            let created = try #require(sandbox.object(order.id))
            #expect(created["metadata"]["atrium_key"].string == "order-42:create")
            #expect(created["items"]["data"].array?.first?["quantity"].int == 2)
            #expect(created["items"]["data"].array?.first?["price"]["id"].string == StripeSandbox.mobile10GBPriceID)
        }
    }

    @Test func pinnedVersionAndBearerKeyOnEveryCall() async throws {
        try await Self.withSandbox { sandbox, _, harness in
            _ = try await harness.provider.customer(id: StripeSandbox.bobCustomerID)
            _ = try await harness.provider.paymentMethods(customerID: StripeSandbox.bobCustomerID)
            let calls = sandbox.control.calls()
            #expect(calls.count == 3)
            for call in calls {
                #expect(call.header("Stripe-Version") == StripeBillingProvider.apiVersion)
                #expect(call.header("Authorization") == "Bearer \(sandbox.apiKey)")
            }
            #expect(StripeBillingProvider.apiVersion == StripeSandbox.apiVersion)
        }
    }

    @Test func reusingAKeyWithOtherParametersIsAConflict() async throws {
        try await Self.withSandbox { _, _, harness in
            let alice = StripeSandbox.aliceCustomerID
            let one = try BillingOrderRequest.Line(productID: StripeSandbox.staticIPPriceID, quantity: Quantity(1))
            let two = try BillingOrderRequest.Line(productID: StripeSandbox.staticIPPriceID, quantity: Quantity(2))
            _ = try await harness.provider.createOrder(BillingOrderRequest(customerID: alice, lines: [one], idempotencyKey: "same-key"))
            let error = try await expectProviderError(.conflict) {
                try await harness.provider.createOrder(BillingOrderRequest(customerID: alice, lines: [two], idempotencyKey: "same-key"))
            }
            #expect(error.upstreamStatus == 400)
            #expect(error.upstreamCode == "idempotency_error")
        }
    }
}
