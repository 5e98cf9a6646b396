import Domain
import Foundation
import Providers
import Sandbox
import Testing

/// 2024-12-20 10:00 in Prague (09:00 UTC): "today" for delivery dates in these tests.
private let now = Date(timeIntervalSince1970: 1_734_685_200)
private let czk = HeurekaFeedSettings.czk

private func products(_ file: String, chunkSize: Int = 4096) throws -> FeedStep<HeurekaFeedEntry> {
    FeedParser.parse(
        try SandboxFixtures.data("heureka/\(file)"),
        as: .heurekaProducts(supplierID: "acme", currency: czk, now: now),
        chunkSize: chunkSize
    )
}

private func availability(_ file: String, now: Date = now) throws -> FeedStep<HeurekaAvailabilityEntry> {
    FeedParser.parse(try SandboxFixtures.data("heureka/\(file)"), as: .heurekaAvailability(now: now))
}

private func offers(_ step: FeedStep<HeurekaFeedEntry>) -> [SupplierOffer] {
    step.entries.compactMap { if case .offer(let offer) = $0 { offer } else { nil } }
}

/// The paths of invalid items, in order.
private func invalidPaths(_ step: FeedStep<HeurekaFeedEntry>) -> [String?] {
    step.entries.compactMap { if case .invalid(let error, _) = $0 { error.path } else { nil } }
}

@Suite("Heureka feed mapping")
struct HeurekaMappingTests {
    // MARK: Fixtures, field by field

    @Test func modernHeurekaFeedMapsFieldByField() throws {
        let step = try products("derived/heureka-product-feed-modern.xml")
        #expect(step.failure == nil)
        let all = offers(step)
        try #require(all.count == 3)
        let first = all[0]
        #expect(first.supplierID == "acme")
        #expect(first.itemID == "product_123")
        #expect(first.name == "Samsung Galaxy S24 128GB černý")
        #expect(first.description == "Klasický smartphone s dotykovým displejem. Balení obsahuje nabíjecí kabel & SIM nástroj.")
        #expect(first.url == "https://example.com/product/123")
        #expect(first.imageURL == "https://example.com/img/123.jpg")
        #expect(first.price == Money(minorUnits: 2_500_000, currency: czk))
        #expect(first.manufacturer == "Samsung")
        #expect(first.category == "Heureka.cz | Elektronika | Mobilní telefony")
        #expect(first.ean == "8806095299723")
        #expect(first.stock == StockLevel(availability: .inStock, deliveryDays: 0))

        let second = all[1]
        #expect(second.itemID == "product_124")
        #expect(second.name == "Samsung Galaxy S24 256GB černý")
        #expect(second.price == Money(minorUnits: 2_799_050, currency: czk))
        #expect(second.description == nil && second.ean == nil && second.manufacturer == nil)
        #expect(second.stock == StockLevel(availability: .backorder, deliveryDays: 5))

        let third = all[2]
        #expect(third.itemID == "AB-999_refurb")
        #expect(third.price == Money(minorUnits: 149_900, currency: czk))
        #expect(third.stock == StockLevel(availability: .backorder, deliveryDays: 14))
    }

    @Test func zboziFeedMapsFieldByField() throws {
        let step = try products("derived/zbozi-offer-feed-modern.xml")
        #expect(step.failure == nil)
        let all = offers(step)
        try #require(all.count == 1)
        let offer = all[0]
        #expect(offer.itemID == "62448")
        #expect(offer.name == "Solartent MC234CZ/A premium Beige")
        #expect(offer.description == "Velmi praktické stínítko s lehkou konstrukcí z laminátových prutů.")
        #expect(offer.url == "https://example.cz/zahrada/solartent-mc234cz")
        #expect(offer.imageURL == "https://example.cz/img/solartent-mc234cz.jpg")
        #expect(offer.price == Money(minorUnits: 129_000, currency: czk))
        #expect(offer.category == "Dům, byt a zahrada | Zahrada | Stínící technika | Zahradní slunečníky")
        #expect(offer.ean == "8594061743744")
        #expect(offer.manufacturer == "Solartent")
        #expect(offer.stock == StockLevel(availability: .inStock, deliveryDays: 0))
    }

    @Test func availabilityFeedMapsFieldByField() throws {
        let tenth = Date(timeIntervalSince1970: 1_733_821_200)  // 2024-12-10 10:00 Prague
        let step = try availability("derived/heureka-availability-feed.xml", now: tenth)
        #expect(step.failure == nil)
        try #require(step.entries.count == 2)
        guard case .stock(let firstID, let firstStock) = step.entries[0], case .stock(let secondID, let secondStock) = step.entries[1] else {
            Issue.record("expected two stock entries, got \(step.entries)")
            return
        }
        #expect(firstID == "product_123")
        #expect(firstStock == StockLevel(availability: .inStock, quantity: 13, deliveryDays: 1))
        #expect(secondID == "product_124")
        #expect(secondStock == StockLevel(availability: .backorder, deliveryDays: 15))
    }

    @Test func legacyHeurekaFeedMapsEveryItemByURL() throws {
        let step = try products("legacy-2011-heureka-sample.xml")
        #expect(step.failure == nil)
        #expect(invalidPaths(step).isEmpty)
        let all = offers(step)
        #expect(all.count == 18)
        let first = try #require(all.first)
        #expect(first.itemID == "http://obchod.cz/mobily/nokia-5800-xpressmusic")
        #expect(first.name == "Nokia 5800 XpressMusic")
        #expect(first.description == "Klasický s plným dotykovým uživatelským rozhraním")
        #expect(first.imageURL == "http://obchod.cz/mobily/nokia-5800- xpressmusic/obrazek.jpg")
        #expect(first.price == Money(minorUnits: 600_000, currency: czk))
        #expect(first.manufacturer == "NOKIA")
        #expect(first.category == "Elektronika | Mobilní telefony")
        #expect(first.ean == "6417182041488")
        #expect(first.stock == StockLevel(availability: .backorder, deliveryDays: 2))
        // Optional blocks missing (no EAN, no DELIVERY_DATE, no MANUFACTURER) are tolerated.
        let second = all[1]
        #expect(second.ean == nil && second.manufacturer == nil)
        #expect(second.stock == StockLevel(availability: .backorder))
        #expect(Set(all.map(\.itemID)).count == 18)
    }

    @Test func legacyZboziFeedReportsItemsWithoutPriceVATAndGoesOn() throws {
        let step = try products("legacy-2011-zbozi-sample.xml")
        #expect(step.failure == nil)
        #expect(invalidPaths(step) == ["SHOP/SHOPITEM[1]/PRICE_VAT", "SHOP/SHOPITEM[2]/PRICE_VAT", "SHOP/SHOPITEM[4]/DELIVERY_DATE"])
        let all = offers(step)
        try #require(all.count == 2)
        #expect(all[0].name == "Světélkující podložka pod myš")
        #expect(all[0].price == Money(minorUnits: 75_600, currency: czk))
        #expect(all[0].stock == StockLevel(availability: .backorder, deliveryDays: 1))
        // The commented-out SHOPITEM is not counted; the fifth item has PRODUCTNAME and a past delivery date.
        #expect(all[1].stock == StockLevel(availability: .inStock, deliveryDays: 0))
    }

    @Test func windows1250FeedIsDecoded() throws {
        let data = try SandboxFixtures.data("heureka/derived/heureka-product-feed-windows-1250.xml")
        #expect(String(data: data, encoding: .utf8) == nil, "the fixture must really be windows-1250")
        let step = try products("derived/heureka-product-feed-windows-1250.xml", chunkSize: 3)
        #expect(step.failure == nil)
        let all = offers(step)
        try #require(all.count == 2)
        #expect(all[0].itemID == "kun-1250")
        #expect(all[0].name == "Žluťoučký kůň úpěl ďábelské ódy")
        #expect(all[0].description == "Příliš žluťoučký kůň; ŠČŘŽÝÁÍÉ ěščřžýáíé ůú ňťď")
        #expect(all[0].manufacturer == "Koňská stáj")
        #expect(all[0].category == "Hračky | Koně")
        #expect(all[0].price == Money(minorUnits: 129_900, currency: czk))
        #expect(all[1].name == "Česká čepice")
        #expect(all[1].price == Money(minorUnits: 34_950, currency: czk))
        #expect(all[1].stock == StockLevel(availability: .backorder, deliveryDays: 5))
    }

    @Test(arguments: [1, 2, 7, 64, 4096])
    func chunkBoundariesDoNotChangeTheResult(chunkSize: Int) throws {
        let whole = try products("legacy-2011-heureka-sample.xml", chunkSize: 1 << 20)
        let chunked = try products("legacy-2011-heureka-sample.xml", chunkSize: chunkSize)
        #expect(offers(chunked) == offers(whole))
        #expect(offers(chunked).count == 18)
    }

    @Test func aDifferentCurrencyIsUsedForPrices() throws {
        let eur = try Currency("EUR")
        let step = FeedParser.parse(
            try SandboxFixtures.data("heureka/derived/heureka-product-feed-modern.xml"),
            as: .heurekaProducts(supplierID: "sk", currency: eur, now: now)
        )
        #expect(offers(step).first?.price == Money(minorUnits: 2_500_000, currency: eur))
    }

    // MARK: Broken variants

    @Test(arguments: [
        ("broken_missing_price_vat.xml", "SHOP/SHOPITEM[2]/PRICE_VAT", 2),
        ("broken_price_not_a_number.xml", "SHOP/SHOPITEM[1]/PRICE_VAT", 1),
        ("broken_ean.xml", "SHOP/SHOPITEM[2]/EAN", 1),
        ("broken_delivery_date.xml", "SHOP/SHOPITEM[1]/DELIVERY_DATE", 0),
        ("broken_missing_name.xml", "SHOP/SHOPITEM[1]/PRODUCTNAME", 0),
        ("broken_item_id.xml", "SHOP/SHOPITEM[3]/ITEM_ID", 2),
    ])
    func brokenItemIsInvalidAndTheFeedGoesOn(file: String, path: String, validOffers: Int) throws {
        let step = try products("derived/\(file)")
        #expect(step.failure == nil, "an invalid item must not end the feed")
        #expect(invalidPaths(step) == [path])
        #expect(offers(step).count == validOffers)
        for case .invalid(let error, _) in step.entries { #expect(error.code == .invalidPayload) }
    }

    @Test(arguments: [
        ("broken_not_wellformed.xml", "SHOP/SHOPITEM[2]/PRICE_VAT", 1),
        ("broken_truncated.xml", "SHOP/SHOPITEM[2]/PRODUCTNAME", 1),
        ("broken_undeclared_entity.xml", "SHOP/SHOPITEM[2]/PRODUCTNAME", 1),
        ("broken_wrong_root.xml", "rss", 0),
        ("broken_not_xml.xml", "/", 0),
        ("broken_xxe.xml", "/", 0),
        ("broken_billion_laughs.xml", "/", 0),
    ])
    func brokenDocumentEndsWithInvalidPayload(file: String, path: String, offersBefore: Int) throws {
        let step = try products("derived/\(file)")
        let failure = try #require(step.failure)
        #expect(failure.code == .invalidPayload)
        #expect(failure.path == path)
        #expect(offers(step).count == offersBefore, "items before the break are still delivered")
    }

    @Test(arguments: [
        ("broken_availability_stock.xml", "item_list/item[1]/stock_quantity"),
        ("broken_availability_missing_id.xml", "item_list/item[2]/@id"),
        ("broken_availability_delivery_time.xml", "item_list/item[1]/delivery_time"),
    ])
    func brokenAvailabilityItemIsInvalid(file: String, path: String) throws {
        let step = try availability("derived/\(file)")
        #expect(step.failure == nil)
        let paths = step.entries.compactMap { if case .invalid(let error, _) = $0 { error.path } else { nil } }
        #expect(paths == [path])
    }

    // MARK: Hardening

    @Test func externalEntityIsNeverResolved() throws {
        let step = try products("derived/broken_xxe.xml")
        let failure = try #require(step.failure)
        #expect(failure.detail.contains("document type declaration"))
        #expect(step.entries.isEmpty, "nothing from a document with a DTD is used")
        for case .offer(let offer) in step.entries { #expect(!offer.name.contains("root:")) }
    }

    @Test func billionLaughsStopsAtTheDTDWithoutExpanding() throws {
        let start = ContinuousClock.now
        let step = try products("derived/broken_billion_laughs.xml")
        #expect(step.failure?.detail.contains("document type declaration") == true)
        #expect(step.entries.isEmpty)
        // Expanding the entities would take minutes and gigabytes; the bound is loose for loaded machines.
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func oversizedFieldIsInvalidNotBuffered() throws {
        let huge = String(repeating: "x", count: 2 << 20)
        let xml = "<SHOP><SHOPITEM><ITEM_ID>big</ITEM_ID><PRODUCTNAME>n</PRODUCTNAME><DESCRIPTION>\(huge)</DESCRIPTION>"
            + "<PRICE_VAT>1</PRICE_VAT></SHOPITEM></SHOP>"
        let step = FeedParser.parse(Data(xml.utf8), as: .heurekaProducts(supplierID: "a", currency: czk, now: now), chunkSize: 65_536)
        #expect(step.failure == nil)
        #expect(invalidPaths(step) == ["SHOP/SHOPITEM[1]/DESCRIPTION"])
    }
}
