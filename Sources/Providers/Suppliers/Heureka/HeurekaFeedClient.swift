import AsyncHTTPClient
public import Domain
import Foundation
import Logging

/// Where a Heureka/Zboží feed supplier publishes its feeds, and how they are read.
public struct HeurekaFeedSettings: Sendable {
    /// The supplier's name, carried in every offer.
    public var supplierID: String
    /// The product feed (`SHOP/SHOPITEM`): a path under the configuration's base URL, or an absolute URL on its
    /// origin.
    public var productFeedPath: String
    /// The availability feed (`item_list/item`), when the supplier publishes one; ``HeurekaFeedSupplier/offer(itemID:)``
    /// then takes the stock from it.
    public var availabilityFeedPath: String?
    /// The currency of `PRICE_VAT` (feeds do not state it): CZK for Heureka.cz/Zboží.cz, EUR for Heureka.sk.
    public var currency: Currency
    /// The longest wait for the next body bytes once the feed started; `nil` uses the configuration's deadline.
    public var idleTimeout: Duration?
    /// Extra request headers (a protected feed's `Authorization`).
    public var headers: [(String, String)]

    public init(
        supplierID: String,
        productFeedPath: String,
        availabilityFeedPath: String? = nil,
        currency: Currency = HeurekaFeedSettings.czk,
        idleTimeout: Duration? = nil,
        headers: [(String, String)] = []
    ) {
        self.supplierID = supplierID
        self.productFeedPath = productFeedPath
        self.availabilityFeedPath = availabilityFeedPath
        self.currency = currency
        self.idleTimeout = idleTimeout
        self.headers = headers
    }

    /// Czech koruna, the currency of Heureka.cz and Zboží.cz feeds.
    public static let czk: Currency = {
        do { return try Currency("CZK") } catch { preconditionFailure("CZK is three ASCII letters, a valid code") }
    }()
}

/// The HTTP side of a feed supplier: each feed is one streamed GET (see ``FeedDownloader``).
final class HeurekaFeedClient: Sendable {
    let settings: HeurekaFeedSettings
    let downloader: FeedDownloader
    let now: @Sendable () -> Date

    init(
        configuration: TransportConfiguration,
        settings: HeurekaFeedSettings,
        httpClient: HTTPClient,
        logger: Logger,
        now: @escaping @Sendable () -> Date
    ) {
        self.settings = settings
        self.now = now
        self.downloader = FeedDownloader(
            provider: .supplier,
            configuration: configuration,
            idleTimeout: settings.idleTimeout ?? configuration.deadline,
            headers: settings.headers,
            httpClient: httpClient,
            logger: logger
        )
    }

    /// The product feed, streamed and mapped item by item.
    // https://sluzby.heureka.cz/napoveda/xml-feed/ (Zboží.cz: https://napoveda.zbozi.cz/en/specification/)
    func products() -> FeedEntryReader<HeurekaFeedEntry> {
        let document = FeedDocument<HeurekaFeedEntry>.heurekaProducts(supplierID: settings.supplierID, currency: settings.currency, now: now())
        let downloader = downloader
        let path = settings.productFeedPath
        return FeedEntryReader(parser: FeedParser(document)) { downloader.open(path: path, operation: "feed.products") }
    }

    /// The availability feed, streamed; `nil` when the supplier has none.
    // https://help.mergado.com/en/mergado-marketplaces/availability-feed
    func availability() -> FeedEntryReader<HeurekaAvailabilityEntry>? {
        guard let path = settings.availabilityFeedPath else { return nil }
        let downloader = downloader
        return FeedEntryReader(parser: FeedParser(.heurekaAvailability(now: now()))) {
            downloader.open(path: path, operation: "feed.availability")
        }
    }
}
