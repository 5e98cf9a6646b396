public import AsyncHTTPClient
public import Domain
public import Foundation
public import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// A Stripe-like billing upstream: REST under `/v1` in Stripe's shapes (API version ``apiVersion``), seeded from
/// the fixtures in `fixtures/upstream/stripe/` with the demo customers (``StripeSandboxSeed``).
///
/// - **Auth:** `Authorization: Bearer <api key>` (or HTTP Basic with the key as user name); anything else is
///   `401` with Stripe's error body. A malformed `Stripe-Version` is `400`.
/// - **Lists:** `{"object": "list", "data", "has_more", "url"}`, newest first, `limit` 1–100 (default 10),
///   `starting_after` / `ending_before` (object ids); `expand[]` paths up to four levels replace ids by objects.
/// - **Idempotency:** a POST with `Idempotency-Key` stores its answer (also a card decline; not a refusal of its
///   parameters). The same key with the same method, path and parameters replays it with `Idempotent-Replayed:
///   true` and `Original-Request`; with anything else it is `400` `idempotency_error`.
/// - **Orders:** `POST /v1/subscriptions` with `payment_behavior=default_incomplete` creates an `incomplete`
///   subscription and its first invoice, finalised and unpaid; `POST /v1/invoices/{id}/pay` charges the default
///   payment method and turns the subscription `active`. A card ending in `0002` declines (`402 card_declined`).
/// - **Webhooks:** every change sends Stripe events (`customer.subscription.created|updated|deleted`,
///   `invoice.created|finalized|paid|payment_succeeded|payment_failed|voided`, `refund.created`,
///   `customer.updated`) to the control's webhook URL, signed as Stripe signs them: header
///   `Stripe-Signature: t=<unix seconds>,v1=<lower-case hex HMAC-SHA256 of "<t>.<raw body>" keyed with the whsec_
///   secret>` (https://docs.stripe.com/webhooks#verify-manually).
///
/// Operation names are the kit's default templates, e.g. `GET /v1/customers/{id}`, `POST /v1/subscriptions`,
/// `POST /v1/invoices/{id}/pay` (every seeded and generated id contains a digit).
public final class StripeSandbox: SandboxUpstream {
    public let upstream: UpstreamID = .stripe
    public let control: SandboxControl
    public let apiKey: String
    public let webhookSecret: String
    let objects: StripeObjects
    let state: NIOLockedValueBox<StripeSandboxState>
    let emitter: WebhookEmitter

    // MARK: Seed and names

    /// The API version the sandbox's shapes follow (and that its events carry).
    public static let apiVersion = "2026-07-29.dahlia"
    public static let aliceCustomerID = "cus_DemoAlice0001"
    public static let bobCustomerID = "cus_DemoBob00002"
    /// A customer Stripe keeps as `{"deleted": true}`.
    public static let deletedCustomerID = "cus_DemoGone00003"
    /// How many invoices Alice has in the seed.
    public static let aliceInvoiceCount = 29
    public static let fibre100PriceID = "price_1DemoFibre100Monthly01"
    public static let fibre1000PriceID = "price_1DemoFibre1000Monthly1"
    public static let mobile10GBPriceID = "price_1DemoMobile10GBMonth01"
    public static let staticIPPriceID = "price_1DemoStaticIPMonthly01"
    public static let roamingDayPassPriceID = "price_1DemoRoamingDayPass01"
    public static let routerUpgradePriceID = "price_1DemoRouterUpgrade0001"
    /// The recurring prices a subscription (an order) can be created with.
    public static let orderablePriceIDs = [fibre100PriceID, fibre1000PriceID, mobile10GBPriceID, staticIPPriceID]
    public static let vatTaxRateID = "txr_1DemoVAT19Germany000001"
    /// Bob's second card: every charge on it is declined.
    public static let decliningPaymentMethodID = "pm_1DemoBobDeclined0000002"

    /// Creates a seeded sandbox.
    ///
    /// - Parameters:
    ///   - apiKey: The API key requests must carry (random by default).
    ///   - webhookSecret: The `whsec_` secret webhooks are signed with (random by default).
    ///   - now: The seed's dates are relative to this month.
    ///   - control: Faults, recorded calls and the webhook URL.
    ///   - webhookClient: The client webhooks are sent with.
    /// - Throws: ``SandboxFixtures/Failure`` when the fixtures cannot be read.
    public init(
        apiKey: String = SandboxSigning.randomSecret("sk_test_"),
        webhookSecret: String = SandboxSigning.randomSecret("whsec_"),
        now: Date = Date(),
        control: SandboxControl = SandboxControl(),
        webhookClient: HTTPClient = .shared
    ) throws {
        self.apiKey = apiKey
        self.webhookSecret = webhookSecret
        self.control = control
        self.emitter = WebhookEmitter(control: control, client: webhookClient)
        let objects = try StripeObjects()
        self.objects = objects
        self.state = NIOLockedValueBox(StripeSandboxSeed.state(objects, now: now))
    }

    public var credentials: [String: String] { ["api_key": apiKey, "webhook_secret": webhookSecret] }

    /// The `Stripe-Signature` header Stripe sends with `payload` at `timestamp`.
    public static func signatureHeader(payload: Data, secret: String, timestamp: Int64) -> String {
        "t=\(timestamp),v1=" + SandboxSigning.timestamped(secret: secret, timestamp: timestamp, body: payload)
    }

    /// A copy of an object of the sandbox's state (tests and the admin use it to look behind the API).
    public func object(_ id: String) -> JSONValue? { state.withLockedValue { $0[id] } }

    /// The `Idempotency-Key`s whose first answer was replayed (with `Idempotent-Replayed: true`), oldest first.
    public var replayedIdempotencyKeys: [String] { state.withLockedValue { $0.replayedKeys } }

    public func addRoutes(to router: Router<BasicRequestContext>) {
        let v1 = router.group("v1").add(middleware: StripeAuthMiddleware(apiKey: apiKey))
        v1.get("customers/{id}") { request, context in self.read(request) { state, _ in state.retrieve("customer", context.id) } }
        v1.get("customers/{id}/payment_methods") { request, context in
            self.read(request) { self.paymentMethods($0, $1, customer: context.id) }
        }
        v1.post("customers/{id}/balance_transactions") { request, context in
            try await self.write(request) { self.createBalanceTransaction(&$0, $1, $2, customer: context.id) }
        }
        v1.get("invoices") { request, _ in self.read(request) { self.invoices($0, $1) } }
        v1.get("invoices/{id}") { request, context in self.read(request) { state, _ in state.retrieve("invoice", context.id) } }
        v1.get("invoices/{id}/lines") { request, context in self.read(request) { self.lines($0, $1, invoice: context.id) } }
        v1.post("invoices/{id}/finalize") { request, context in
            try await self.write(request) { self.finalize(&$0, $2, invoice: context.id) }
        }
        v1.post("invoices/{id}/pay") { request, context in try await self.write(request) { self.pay(&$0, $1, $2, invoice: context.id) } }
        v1.post("invoices/{id}/void") { request, context in try await self.write(request) { self.void(&$0, $2, invoice: context.id) } }
        v1.get("invoice_payments") { request, _ in self.read(request) { self.invoicePayments($0, $1) } }
        v1.get("subscriptions") { request, _ in self.read(request) { self.subscriptions($0, $1) } }
        v1.post("subscriptions") { request, _ in try await self.write(request) { self.createSubscription(&$0, $1, $2) } }
        v1.get("subscriptions/{id}") { request, context in self.read(request) { state, _ in state.retrieve("subscription", context.id) } }
        v1.delete("subscriptions/{id}") { request, context in
            try await self.write(request) { self.cancel(&$0, $2, subscription: context.id) }
        }
        v1.get("products") { request, _ in self.read(request) { self.products($0, $1) } }
        v1.get("products/{id}") { request, context in self.read(request) { state, _ in state.retrieve("product", context.id) } }
        v1.get("prices") { request, _ in self.read(request) { self.prices($0, $1) } }
        v1.get("prices/{id}") { request, context in self.read(request) { state, _ in state.retrieve("price", context.id) } }
        v1.post("refunds") { request, _ in try await self.write(request) { self.createRefund(&$0, $1, $2) } }
        v1.get("refunds/{id}") { request, context in self.read(request) { state, _ in state.retrieve("refund", context.id) } }
        for method in [HTTPRequest.Method.get, .post, .delete] {
            v1.on("**", method: method) { request, _ in
                StripeSandbox.response(
                    .error(
                        404,
                        message: "Unrecognized request URL (\(request.method.rawValue): \(request.uri.path)). "
                            + "Please see https://stripe.com/docs."
                    ),
                    request: request
                )
            }
        }
    }
}

extension BasicRequestContext {
    /// The `{id}` path parameter (empty when absent, which no route allows).
    var id: String { parameters.get("id") ?? "" }
}
