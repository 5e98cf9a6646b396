public import Domain

/// One entry of a supplier feed: an offer, or an item that could not be mapped (reported, the feed goes on).
public enum SupplierFeedEntry: Sendable {
    case offer(SupplierOffer)
    case invalid(ProviderError)
}

/// A wholesale supplier's catalog: items streamed (never the whole feed in memory), stock and price by item.
public protocol SupplierProvider: Sendable {
    var upstream: UpstreamID { get }
    /// The configured supplier's name, carried in every offer.
    var supplierID: String { get }

    /// Streams every item of the catalog. A malformed item is yielded as `.invalid` and the stream goes on;
    /// a transport failure or a feed that is not parseable at all ends the stream with a ``ProviderError``.
    func items() -> AsyncThrowingStream<SupplierFeedEntry, any Error>
    /// Current price and stock of one item.
    func offer(itemID: String) async throws -> SupplierOffer
}

/// A supplier that also takes purchase orders (an API; an XML feed cannot).
public protocol SupplierOrdering: SupplierProvider {
    /// Places the order. A replay with the same `request.reference` returns the order placed first.
    func placeOrder(_ request: PurchaseOrderRequest) async throws -> PurchaseOrder
    func purchaseOrder(id: String) async throws -> PurchaseOrder
    /// Compensation of ``placeOrder(_:)``.
    func cancelPurchaseOrder(id: String, reference: String) async throws -> PurchaseOrder
}
