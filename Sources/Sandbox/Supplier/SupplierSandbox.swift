public import AsyncHTTPClient
public import Domain
public import Foundation
public import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// A wholesale supplier upstream: Heureka/Zboží XML feeds and the JSON supplier API of
/// `fixtures/upstream/supplier-api/README.md`, on one host.
///
/// - **Feeds (public, no credentials):** `GET /feeds/<file>.xml` and `GET /feeds/derived/<file>.xml` serve the
///   fixture feeds of `fixtures/upstream/heureka/` as they are. `GET /feeds/generated.xml?items=100000&seed=1&
///   invalid_every=0&encoding=windows-1250` generates a product feed of any size (``SupplierFeedGenerator``),
///   written to the response chunk by chunk (the document never exists in memory); `&stall_after_chunks=1&
///   stall_ms=2000` pauses the body after that many chunks (a feed that stalls mid-stream); `GET
///   /feeds/generated-availability.xml?items=&seed=` the matching availability feed.
/// - **JSON API:** `X-Api-Key: <api_key>`; `GET /v1/items` (`page_size` 1–200, default 50; opaque
///   `page_token`/`next_page_token`), `GET /v1/items/{id}`, `POST /v1/purchase-orders` (`Idempotency-Key`
///   required: a replay with the same body answers the first order with `Idempotent-Replayed: true`, another body
///   is `409 idempotency_conflict`), `GET /v1/purchase-orders/{id}`, `POST /v1/purchase-orders/{id}/cancel`.
///   Errors are `{"error": {"code", "message"}}`. Seeded from `items_page.json` (its three items verbatim, then
///   varied) up to ``itemCount`` items.
/// - **Webhooks:** every purchase-order status change (creation included) posts
///   `{"id","type":"purchase_order.status_changed","created_at","data":{"previous_status","purchase_order"}}` to the
///   control's webhook URL with `X-Supplier-Timestamp: <unix seconds>` and `X-Supplier-Signature: <lower-case hex
///   HMAC-SHA256 of "<timestamp>.<raw body>" keyed with webhook_secret>` (``signature(body:secret:timestamp:)``).
///   ``setStatus(orderID:to:)`` (or `POST /_sandbox/purchase-orders/{id}/status` with `{"status": …}`) moves an
///   order on as the supplier's warehouse would.
///
/// Operation names: ``Operation``.
public final class SupplierSandbox: SandboxUpstream {
    public let upstream: UpstreamID = .supplier
    public let control: SandboxControl
    public let apiKey: String
    public let webhookSecret: String
    /// How many catalog items the JSON API was seeded with.
    public let itemCount: Int
    let state: NIOLockedValueBox<SupplierSandboxState>
    let emitter: WebhookEmitter

    /// The operation names calls are recorded and faults are injected under.
    public enum Operation {
        public static let listItems = "GET /v1/items"
        public static let getItem = "GET /v1/items/{id}"
        public static let createPurchaseOrder = "POST /v1/purchase-orders"
        public static let getPurchaseOrder = "GET /v1/purchase-orders/{id}"
        public static let cancelPurchaseOrder = "POST /v1/purchase-orders/{id}/cancel"
        public static let generatedFeed = "GET /feeds/generated.xml"
        public static let generatedAvailability = "GET /feeds/generated-availability.xml"

        /// The operation of a fixture feed, e.g. `feed("derived/heureka-product-feed-modern.xml")`.
        public static func feed(_ file: String) -> String { "GET /feeds/\(file)" }
    }

    /// The first seeded item (`item.json`), in stock.
    public static let knownItemID = "SUP-00001"
    /// A seeded item that is out of stock (orders of it are refused).
    public static let outOfStockItemID = "SUP-00003"
    public static let unknownItemID = "SUP-99999"
    public static let defaultItemCount = 120

    /// Creates a seeded sandbox.
    ///
    /// - Parameters:
    ///   - apiKey: The `X-Api-Key` the JSON API accepts (random by default).
    ///   - webhookSecret: The key webhooks are signed with (random by default).
    ///   - itemCount: How many catalog items the JSON API serves (at least the fixture's three).
    ///   - control: Faults, recorded calls and the webhook URL.
    ///   - webhookClient: The client webhooks are sent with.
    /// - Throws: ``SandboxFixtures/Failure`` when `supplier-api/items_page.json` cannot be read.
    public init(
        apiKey: String = SandboxSigning.randomSecret("sk_sup_"),
        webhookSecret: String = SandboxSigning.randomSecret("whsec_sup_"),
        itemCount: Int = SupplierSandbox.defaultItemCount,
        control: SandboxControl = SandboxControl(),
        webhookClient: HTTPClient = .shared
    ) throws {
        self.apiKey = apiKey
        self.webhookSecret = webhookSecret
        self.control = control
        self.emitter = WebhookEmitter(control: control, client: webhookClient)
        let templates = try SandboxFixtures.json("supplier-api/items_page.json")["items"].array ?? []
        let state = SupplierSandboxState.seeded(templates: templates, count: max(itemCount, templates.count))
        self.itemCount = state.items.count
        self.state = NIOLockedValueBox(state)
    }

    public var credentials: [String: String] { ["api_key": apiKey, "webhook_secret": webhookSecret] }

    /// The `X-Supplier-Signature` value for `body` sent at `timestamp`.
    public static func signature(body: Data, secret: String, timestamp: Int64) -> String {
        SandboxSigning.timestamped(secret: secret, timestamp: timestamp, body: body)
    }

    public func addRoutes(to router: Router<BasicRequestContext>) {
        addFeedRoutes(to: router)
        let v1 = router.group("v1")
        v1.get("items") { request, _ in self.authorized(request) { self.listItems(request) } }
        v1.get("items/{id}") { request, context in self.authorized(request) { self.item(context.parameters.get("id") ?? "") } }
        v1.post("purchase-orders") { request, _ in try await self.authorizedAsync(request) { try await self.createOrder(request) } }
        v1.get("purchase-orders/{id}") { request, context in
            self.authorized(request) { self.order(context.parameters.get("id") ?? "") }
        }
        v1.post("purchase-orders/{id}/cancel") { request, context in
            self.authorized(request) { self.cancel(context.parameters.get("id") ?? "") }
        }
        router.post("_sandbox/purchase-orders/{id}/status") { request, context in
            let body = try await request.body.collect(upTo: 1 << 16)
            let status = (try? JSONDecoder().decode(JSONValue.self, from: Data(String(buffer: body).utf8)))?["status"].string ?? ""
            guard let order = self.setStatus(orderID: context.parameters.get("id") ?? "", to: status) else {
                return SupplierReply.error(404, "order_not_found", "No purchase order with that id, or an unknown status.").response()
            }
            return SupplierReply(status: 200, body: order).response()
        }
    }

    /// `GET /v1/items/{id}` and friends get stable names whatever the id looks like (ids need not contain digits).
    public func operation(of request: inout Request) async throws -> String {
        let method = request.method.rawValue
        let segments = request.uri.path.split(separator: "/").map(String.init)
        switch (method, segments.count, segments.first) {
        case (_, _, "feeds"): return "\(method) \(request.uri.path)"
        case ("GET", 2, "v1") where segments[1] == "items": return Operation.listItems
        case ("GET", 3, "v1") where segments[1] == "items": return Operation.getItem
        case ("POST", 2, "v1") where segments[1] == "purchase-orders": return Operation.createPurchaseOrder
        case ("GET", 3, "v1") where segments[1] == "purchase-orders": return Operation.getPurchaseOrder
        case ("POST", 4, "v1") where segments[1] == "purchase-orders" && segments[3] == "cancel": return Operation.cancelPurchaseOrder
        default: return SandboxOperation.template(method: method, path: request.uri.path)
        }
    }

    /// A copy of a purchase order as the sandbox holds it.
    public func purchaseOrder(_ id: String) -> JSONValue? { state.withLockedValue { $0.orders[id] } }

    /// Adds a catalog item whose `price.amount` is a string (a contract violation) in the middle of the catalog.
    ///
    /// - Returns: Its id; `GET /v1/items/{id}` serves it too.
    @discardableResult
    public func insertMalformedItem() -> String {
        state.withLockedValue { $0.insertMalformedItem() }
    }
}
