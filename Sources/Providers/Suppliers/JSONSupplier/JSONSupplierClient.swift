import AsyncHTTPClient
import Domain
import Foundation
import Logging
import NIOHTTP1

/// The API key of a JSON supplier API account (sent as `X-Api-Key`).
public struct JSONSupplierCredentials: Sendable {
    public var apiKey: String

    public init(apiKey: String) {
        self.apiKey = apiKey
    }
}

/// The HTTP calls of the JSON supplier API (`fixtures/upstream/supplier-api/README.md`, which is its documentation:
/// no public specification exists), each through ``HTTPTransport``.
final class JSONSupplierClient: Sendable {
    /// The API's documentation, referenced above each call.
    static let documentation = "fixtures/upstream/supplier-api/README.md"

    let transport: HTTPTransport
    let credentials: JSONSupplierCredentials

    init(
        configuration: TransportConfiguration,
        credentials: JSONSupplierCredentials,
        httpClient: HTTPClient,
        logger: Logger,
        observer: (any TransportObserver)? = nil
    ) {
        self.transport = HTTPTransport(
            provider: .supplier, configuration: configuration, httpClient: httpClient, logger: logger, observer: observer
        )
        self.credentials = credentials
    }

    private var auth: [(String, String)] { [("X-Api-Key", credentials.apiKey), ("Accept", "application/json")] }

    // fixtures/upstream/supplier-api/README.md#get-v1itemspage_size1200-default-50page_tokenopaque
    func items(pageToken: String?, pageSize: Int) async throws(ProviderError) -> JSONSupplierItemsPage {
        var query = [("page_size", String(pageSize))]
        if let pageToken { query.append(("page_token", pageToken)) }
        let response = try await send(TransportRequest(.GET, "/v1/items", query: query, headers: auth, operation: "items.list"))
        return try ProviderError.decode(JSONSupplierItemsPage.self, from: response.body, provider: .supplier)
    }

    // fixtures/upstream/supplier-api/README.md#get-v1itemsid
    func item(id: String) async throws(ProviderError) -> JSONSupplierItem {
        let path = "/v1/items/" + FormEncoding.percentEncode(id)
        let response = try await send(TransportRequest(.GET, path, headers: auth, operation: "items.get"))
        return try ProviderError.decode(JSONSupplierItem.self, from: response.body, provider: .supplier)
    }

    // fixtures/upstream/supplier-api/README.md#post-v1purchase-orders
    func createPurchaseOrder(_ body: JSONSupplierPurchaseOrderRequest, idempotencyKey: String) async throws(ProviderError) -> JSONSupplierPurchaseOrder {
        let data: Data
        do { data = try JSONEncoder().encode(body) } catch {
            throw ProviderError(.rejected, provider: .supplier, detail: "purchase order not encodable, nothing sent")
        }
        let request = TransportRequest(
            .POST,
            "/v1/purchase-orders",
            headers: auth + [("Content-Type", "application/json"), ("Idempotency-Key", idempotencyKey)],
            body: data,
            operation: "purchase_orders.create",
            // The key makes a replay return the first order, so a retry after a lost answer cannot order twice.
            retryable: true
        )
        let response = try await send(request)
        return try ProviderError.decode(JSONSupplierPurchaseOrder.self, from: response.body, provider: .supplier)
    }

    // fixtures/upstream/supplier-api/README.md#get-v1purchase-ordersid
    func purchaseOrder(id: String) async throws(ProviderError) -> JSONSupplierPurchaseOrder {
        let path = "/v1/purchase-orders/" + FormEncoding.percentEncode(id)
        let response = try await send(TransportRequest(.GET, path, headers: auth, operation: "purchase_orders.get"))
        return try ProviderError.decode(JSONSupplierPurchaseOrder.self, from: response.body, provider: .supplier)
    }

    // fixtures/upstream/supplier-api/README.md#post-v1purchase-ordersidcancel
    func cancelPurchaseOrder(id: String, idempotencyKey: String) async throws(ProviderError) -> JSONSupplierPurchaseOrder {
        let path = "/v1/purchase-orders/" + FormEncoding.percentEncode(id) + "/cancel"
        let request = TransportRequest(
            .POST,
            path,
            headers: auth + [("Idempotency-Key", idempotencyKey)],
            operation: "purchase_orders.cancel",
            // Cancelling is idempotent by nature (a cancelled order answers itself).
            retryable: true
        )
        let response = try await send(request)
        return try ProviderError.decode(JSONSupplierPurchaseOrder.self, from: response.body, provider: .supplier)
    }

    /// Sends and maps every non-2xx answer the transport returns to its ``ProviderError``.
    private func send(_ request: TransportRequest) async throws(ProviderError) -> TransportResponse {
        let response = try await transport.send(request)
        guard !response.isSuccess else { return response }
        throw ProviderError(jsonSupplierStatus: response.status, body: response.body)
    }
}
