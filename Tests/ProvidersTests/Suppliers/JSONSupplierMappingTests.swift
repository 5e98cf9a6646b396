import Domain
import Foundation
import Providers
import Sandbox
import Testing

private let czk = HeurekaFeedSettings.czk

private func data(_ file: String) throws -> Data { try SandboxFixtures.data("supplier-api/\(file)") }

private func item(_ file: String) throws -> SupplierOffer {
    let raw = try ProviderError.decode(JSONSupplierItem.self, from: data(file), provider: .supplier)
    return try SupplierOffer(jsonSupplier: raw, supplierID: "acme")
}

private func page(_ file: String) throws -> (entries: [SupplierFeedEntry], next: String?) {
    let raw = try ProviderError.decode(JSONSupplierItemsPage.self, from: data(file), provider: .supplier)
    return (raw.entries(supplierID: "acme"), raw.nextPageToken)
}

private func order(_ file: String) throws -> PurchaseOrder {
    try PurchaseOrder(jsonSupplier: ProviderError.decode(JSONSupplierPurchaseOrder.self, from: data(file), provider: .supplier))
}

/// The ProviderError a call throws; fails the test when it throws nothing or something else.
private func providerError(_ body: () throws -> Void) -> ProviderError? {
    do {
        try body()
    } catch let error as ProviderError {
        return error
    } catch {
        Issue.record("expected a ProviderError, got \(error)")
        return nil
    }
    Issue.record("expected a ProviderError, the mapping succeeded")
    return nil
}

@Suite("JSON supplier API mapping")
struct JSONSupplierMappingTests {
    @Test func itemMapsFieldByField() throws {
        let offer = try item("item.json")
        #expect(offer.supplierID == "acme")
        #expect(offer.itemID == "SUP-00001")
        #expect(offer.name == "Samsung Galaxy S24 128GB černý")
        #expect(offer.description == "Smartphone s dotykovým displejem 6,2\", 8 GB RAM.")
        #expect(offer.ean == "8806095299723")
        #expect(offer.manufacturer == "Samsung")
        #expect(offer.category == "Elektronika | Mobilní telefony")
        #expect(offer.url == "https://supplier.example/items/SUP-00001")
        #expect(offer.imageURL == "https://supplier.example/img/SUP-00001.jpg")
        #expect(offer.price == Money(minorUnits: 2_099_000, currency: czk))
        #expect(offer.stock == StockLevel(availability: .inStock, quantity: 42, deliveryDays: 0))
    }

    @Test func itemsPageMapsEveryItem() throws {
        let (entries, next) = try page("items_page.json")
        #expect(next == "pt_3")
        let offers = entries.compactMap { if case .offer(let offer) = $0 { offer } else { nil } }
        try #require(offers.count == 3)
        #expect(offers[0] == (try item("item.json")))
        #expect(offers[1].itemID == "SUP-00002")
        #expect(offers[1].description == nil && offers[1].ean == nil && offers[1].manufacturer == nil && offers[1].url == nil)
        #expect(offers[1].price == Money(minorUnits: 4_990, currency: czk))
        #expect(offers[1].stock == StockLevel(availability: .backorder, quantity: 0, deliveryDays: 7))
        #expect(offers[2].stock == StockLevel(availability: .outOfStock, quantity: 0, deliveryDays: nil))
        let (last, none) = try page("items_page_last.json")
        #expect(last.isEmpty && none == nil)
    }

    @Test func purchaseOrdersMapFieldByField() throws {
        let received = try order("purchase_order.json")
        #expect(received == PurchaseOrder(
            id: "po_000001", reference: "ord_7Q2M:supplier", status: .received, total: Money(minorUnits: 4_247_900, currency: czk)
        ))
        let cancelled = try order("purchase_order_cancelled.json")
        #expect(cancelled == PurchaseOrder(
            id: "po_000002", reference: "ord_8X1K:supplier", status: .cancelled, total: Money(minorUnits: 49_900, currency: czk)
        ))
    }

    @Test func webhookEventCarriesTheOrder() throws {
        let event = try ProviderError.decode(
            JSONSupplierWebhookEvent.self, from: data("webhook_purchase_order_status_changed.json"), provider: .supplier
        )
        #expect(event.id == "evt_000001")
        #expect(event.type == "purchase_order.status_changed")
        #expect(event.data.previousStatus == "received")
        #expect(try PurchaseOrder(jsonSupplier: event.data.purchaseOrder) == (try order("purchase_order_cancelled.json")))
    }

    @Test(arguments: [
        ("error_unauthorized.json", 401, ProviderError.Code.unauthorized, "unauthorized"),
        ("error_item_not_found.json", 404, .notFound, "item_not_found"),
        ("error_order_not_found.json", 404, .notFound, "order_not_found"),
        ("error_idempotency_conflict.json", 409, .conflict, "idempotency_conflict"),
        ("error_order_not_cancellable.json", 409, .conflict, "order_not_cancellable"),
        ("error_unknown_item.json", 422, .rejected, "unknown_item"),
        ("error_rate_limited.json", 429, .rateLimited, "rate_limited"),
    ])
    func errorBodiesMapToTheirCodes(file: String, status: Int, code: ProviderError.Code, upstreamCode: String) throws {
        let error = ProviderError(jsonSupplierStatus: status, body: try data(file))
        #expect(error.code == code)
        #expect(error.upstreamCode == upstreamCode)
        #expect(error.upstreamStatus == status)
    }

    // MARK: Broken variants

    @Test(arguments: [
        ("broken_item_missing_price.json", "$.price"),
        ("broken_item_price_string.json", "$.price.amount"),
        ("broken_item_unknown_stock_status.json", "$.stock.status"),
        ("broken_item_bad_currency.json", "$.price.currency"),
        ("broken_item_bad_ean.json", "$.ean"),
    ])
    func brokenItemIsInvalidPayloadAtItsPath(file: String, path: String) {
        let error = providerError { _ = try item("derived/\(file)") }
        #expect(error?.code == .invalidPayload)
        #expect(error?.path == path)
    }

    @Test func brokenItemInAPageIsInvalidAndThePageGoesOn() throws {
        let (entries, _) = try page("derived/broken_items_page_negative_price.json")
        let paths = entries.compactMap { if case .invalid(let error) = $0 { error.path } else { nil } }
        #expect(paths == ["$.items[2].price.amount"])
        #expect(entries.count == 3)
    }

    @Test func brokenPageTokenFailsThePage() {
        let error = providerError { _ = try page("derived/broken_items_page_token_number.json") }
        #expect(error?.code == .invalidPayload)
        #expect(error?.path == "$.next_page_token")
    }

    @Test(arguments: [
        ("broken_purchase_order_unknown_status.json", "$.status"),
        ("broken_purchase_order_missing_id.json", "$.id"),
        ("broken_purchase_order_total_string.json", "$.total.amount"),
    ])
    func brokenPurchaseOrderIsInvalidPayloadAtItsPath(file: String, path: String) {
        let error = providerError { _ = try order("derived/\(file)") }
        #expect(error?.code == .invalidPayload)
        #expect(error?.path == path)
    }
}
