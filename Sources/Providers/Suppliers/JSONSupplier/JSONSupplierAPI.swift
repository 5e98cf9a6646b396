public import AsyncHTTPClient
public import Domain
import Foundation
public import Logging

/// A wholesale supplier with the paged JSON API of `fixtures/upstream/supplier-api/README.md`: catalog, stock and
/// price by item, purchase orders.
///
/// - ``items()`` pages through `GET /v1/items` lazily (one page in memory; the next page is fetched when the
///   consumer reaches the end of the current one). An item that does not map is `.invalid` with its JSON path
///   (`$.items[3].price.amount`) and the stream goes on; a page that does not decode, or a transport failure, ends
///   the stream with the ``ProviderError``.
/// - ``offer(itemID:)`` is `GET /v1/items/{id}`.
/// - ``placeOrder(_:)`` is `POST /v1/purchase-orders` with `Idempotency-Key` = the request's reference (retried on
///   5xx: a replay answers the order created first); ``cancelPurchaseOrder(id:reference:)`` posts the cancel with the
///   key `<reference>:cancel`.
public final class JSONSupplierAPI: SupplierOrdering {
    public let upstream = UpstreamID.supplier
    public let supplierID: String
    /// Items per `GET /v1/items` page (1–200).
    public let pageSize: Int
    let client: JSONSupplierClient

    /// Creates the adapter.
    ///
    /// - Parameters:
    ///   - configuration: The API's base URL, deadline, retries and breaker.
    ///   - credentials: The account's API key.
    ///   - supplierID: The supplier's name, carried in every offer.
    ///   - pageSize: Items per page when streaming the catalog (clamped to 1–200).
    ///   - httpClient: The process's client.
    ///   - logger: The transport's logger.
    ///   - observer: Receives call outcomes and circuit changes, for metrics.
    public init(
        configuration: TransportConfiguration,
        credentials: JSONSupplierCredentials,
        supplierID: String,
        pageSize: Int = 100,
        httpClient: HTTPClient = HTTPTransport.sharedHTTPClient,
        logger: Logger = Logger(label: "atrium.provider.supplier-api"),
        observer: (any TransportObserver)? = nil
    ) {
        self.client = JSONSupplierClient(
            configuration: configuration, credentials: credentials, httpClient: httpClient, logger: logger, observer: observer
        )
        self.supplierID = supplierID
        self.pageSize = min(max(pageSize, 1), 200)
    }

    /// The API's transport (for its circuit state and snapshot).
    public var transport: HTTPTransport { client.transport }

    public func items() -> AsyncThrowingStream<SupplierFeedEntry, any Error> {
        let pager = JSONSupplierPager(client: client, supplierID: supplierID, pageSize: pageSize)
        return AsyncThrowingStream { try await pager.next() }
    }

    public func offer(itemID: String) async throws -> SupplierOffer {
        let item = try await client.item(id: itemID)
        return try SupplierOffer(jsonSupplier: item, supplierID: supplierID)
    }

    public func placeOrder(_ request: PurchaseOrderRequest) async throws -> PurchaseOrder {
        let body = JSONSupplierPurchaseOrderRequest(
            reference: request.reference,
            lines: request.lines.map { .init(itemID: $0.itemID, quantity: $0.quantity.value) },
            shipTo: request.shipTo.map {
                .init(line1: $0.line1, line2: $0.line2, city: $0.city, state: $0.state, postalCode: $0.postalCode, country: $0.country)
            }
        )
        let order = try await client.createPurchaseOrder(body, idempotencyKey: request.reference)
        return try PurchaseOrder(jsonSupplier: order)
    }

    public func purchaseOrder(id: String) async throws -> PurchaseOrder {
        try PurchaseOrder(jsonSupplier: await client.purchaseOrder(id: id))
    }

    public func cancelPurchaseOrder(id: String, reference: String) async throws -> PurchaseOrder {
        try PurchaseOrder(jsonSupplier: await client.cancelPurchaseOrder(id: id, idempotencyKey: reference + ":cancel"))
    }
}

/// Walks the catalog's pages for one ``JSONSupplierAPI/items()`` stream.
///
/// `@unchecked Sendable`: only `AsyncThrowingStream(unfolding:)` drives it, one ``next()`` at a time.
final class JSONSupplierPager: @unchecked Sendable {
    private let client: JSONSupplierClient
    private let supplierID: String
    private let pageSize: Int
    private var buffered: [SupplierFeedEntry] = []
    private var position = 0
    private var token: String?
    private var started = false
    private var seenTokens: Set<String> = []

    init(client: JSONSupplierClient, supplierID: String, pageSize: Int) {
        self.client = client
        self.supplierID = supplierID
        self.pageSize = pageSize
    }

    func next() async throws -> SupplierFeedEntry? {
        while position >= buffered.count {
            if started && token == nil { return nil }
            let page = try await client.items(pageToken: token, pageSize: pageSize)
            started = true
            buffered = page.entries(supplierID: supplierID)
            position = 0
            if let next = page.nextPageToken {
                // A token seen before would loop forever: the upstream broke its paging contract.
                guard seenTokens.insert(next).inserted else {
                    throw ProviderError.invalidPayload(.supplier, path: "$.next_page_token", "a page token repeated")
                }
            }
            token = page.nextPageToken
        }
        defer { position += 1 }
        return buffered[position]
    }
}
