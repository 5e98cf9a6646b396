public import AsyncHTTPClient
public import Domain
public import Foundation
public import Logging

/// A wholesale supplier that publishes a Heureka.cz / Zboží.cz XML feed: a catalog to read, no ordering.
///
/// The feed is streamed and parsed as it arrives (libxml2's push SAX parser; see ``FeedDownloader`` for the
/// transport semantics and ``XMLRecordParser`` for the hardening: no DTD, no entities, no network). Both feed
/// dialects are read: Heureka (`PRODUCTNAME`, `ITEM_ID`) and Zboží (namespaced, `PRODUCT`), and 2011-era feeds
/// without `ITEM_ID` (the URL is the id then). The encoding is the XML declaration's (UTF-8, windows-1250, …).
public final class HeurekaFeedSupplier: SupplierProvider {
    public let upstream = UpstreamID.supplier
    public var supplierID: String { client.settings.supplierID }
    let client: HeurekaFeedClient

    /// Creates the adapter.
    ///
    /// - Parameters:
    ///   - configuration: The feed host: base URL, deadline (until the response head), retries, breaker.
    ///   - feed: Feed paths, supplier name, currency, idle timeout.
    ///   - httpClient: The process's client.
    ///   - logger: Where download failures are logged.
    ///   - now: The clock delivery dates are counted from.
    public init(
        configuration: TransportConfiguration,
        feed: HeurekaFeedSettings,
        httpClient: HTTPClient = HTTPTransport.sharedHTTPClient,
        logger: Logger = Logger(label: "atrium.provider.heureka"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = HeurekaFeedClient(configuration: configuration, settings: feed, httpClient: httpClient, logger: logger, now: now)
    }

    /// The state of the feed host's circuit.
    public var circuitState: CircuitBreaker.State { client.downloader.circuitState }

    /// Streams the product feed: `.offer` per valid item, `.invalid` (path `SHOP/SHOPITEM[n]/ELEMENT`) per item that
    /// does not map, in document order. The stream ends with a ``ProviderError`` when the download fails or the
    /// document breaks (not XML, truncated, a DTD): `invalidPayload` at the element where it broke, after every
    /// item read before.
    public func items() -> AsyncThrowingStream<SupplierFeedEntry, any Error> {
        let reader = client.products()
        return AsyncThrowingStream {
            switch try await reader.next() {
            case .offer(let offer): .offer(offer)
            case .invalid(let error, _): .invalid(error)
            case nil: nil
            }
        }
    }

    /// One item's offer: the product feed is streamed until the item is found, then the download stops.
    ///
    /// A feed has no per-item endpoint, so a lookup costs up to one feed download (cache offers in the caller when
    /// that matters). When an availability feed is configured, it is streamed the same way and its stock replaces
    /// the product feed's `DELIVERY_DATE`-based stock (the availability feed is the fresher one); an item missing
    /// from it keeps the product feed's stock.
    ///
    /// - Throws: `notFound` when the feed ends without the item; `invalidPayload` when the item is in the feed but
    ///   does not map, or the document breaks before the item; any transport error of the download.
    public func offer(itemID: String) async throws -> SupplierOffer {
        var found: SupplierOffer?
        let products = client.products()
        defer { products.cancel() }
        search: while let entry = try await products.next() {
            switch entry {
            case .offer(let offer) where offer.itemID == itemID:
                found = offer
                break search
            case .invalid(let error, itemID: itemID):
                throw error
            default:
                continue
            }
        }
        guard var offer = found else {
            throw ProviderError(.notFound, provider: upstream, detail: "item not in the supplier's feed")
        }
        products.cancel()
        if let availability = client.availability() {
            defer { availability.cancel() }
            while let entry = try await availability.next() {
                switch entry {
                case .stock(itemID: itemID, let stock):
                    offer.stock = stock
                    return offer
                case .invalid(let error, itemID: itemID):
                    throw error
                default:
                    continue
                }
            }
        }
        return offer
    }
}
