package import Domain
package import Foundation

extension SupplierOffer {
    /// Maps a supplier API item; `path` is the item's JSON path (`$` for `GET /v1/items/{id}`, `$.items[3]` in a
    /// page), which invalid-payload paths extend.
    ///
    /// `stock.status` maps `in_stock`/`backorder`/`out_of_stock` to the Domain availability; `lead_time_days` is the
    /// delivery time. An unknown status is invalid (the API's contract lists three).
    ///
    /// - Throws: `invalidPayload` at e.g. `$.items[3].price.currency`, `$.stock.status`, `$.ean`.
    package init(jsonSupplier item: JSONSupplierItem, supplierID: String, path: String = "$") throws(ProviderError) {
        func invalid(_ field: String, _ reason: String) -> ProviderError {
            .invalidPayload(.supplier, path: "\(path).\(field)", reason)
        }
        let currency: Currency
        do { currency = try Currency(item.price.currency) } catch { throw invalid("price.currency", "not an ISO 4217 code") }
        guard item.price.amount >= 0 else { throw invalid("price.amount", "negative") }
        let availability: StockLevel.Availability
        switch item.stock.status {
        case "in_stock": availability = .inStock
        case "backorder": availability = .backorder
        case "out_of_stock": availability = .outOfStock
        default: throw invalid("stock.status", "unknown stock status")
        }
        if let quantity = item.stock.quantity, quantity < 0 { throw invalid("stock.quantity", "negative") }
        if let days = item.stock.leadTimeDays, days < 0 { throw invalid("stock.lead_time_days", "negative") }
        do {
            try self.init(
                supplierID: supplierID, itemID: item.id, name: item.name, description: item.description, ean: item.ean,
                manufacturer: item.manufacturer, category: item.category, url: item.url, imageURL: item.imageURL,
                price: Money(minorUnits: item.price.amount, currency: currency),
                stock: StockLevel(availability: availability, quantity: item.stock.quantity, deliveryDays: item.stock.leadTimeDays)
            )
        } catch {
            switch error.field {
            case "ean": throw invalid("ean", "not 8 to 14 digits")
            case "item_id": throw invalid("id", error.message)
            default: throw invalid("price.amount", error.message)
            }
        }
    }
}

extension PurchaseOrder {
    /// Maps a supplier API purchase order; `total` keeps the supplier's currency.
    ///
    /// - Throws: `invalidPayload` at `$.status` (unknown status) or `$.total.currency`.
    package init(jsonSupplier order: JSONSupplierPurchaseOrder, path: String = "$") throws(ProviderError) {
        guard let status = Status(rawValue: order.status) else {
            throw .invalidPayload(.supplier, path: "\(path).status", "unknown purchase order status")
        }
        guard !order.id.isEmpty else { throw .invalidPayload(.supplier, path: "\(path).id", "empty") }
        var total: Money?
        if let raw = order.total {
            do {
                total = Money(minorUnits: raw.amount, currency: try Currency(raw.currency))
            } catch {
                throw .invalidPayload(.supplier, path: "\(path).total.currency", "not an ISO 4217 code")
            }
        }
        self.init(id: order.id, reference: order.reference, status: status, total: total)
    }
}

extension JSONSupplierItemsPage {
    /// The page's items as stream entries, in order: `.offer`, or `.invalid` naming the item's path
    /// (`$.items[3].price.amount`) when it does not decode or map.
    package func entries(supplierID: String) -> [SupplierFeedEntry] {
        items.map { element in
            switch element.result {
            case .success(let item):
                do throws(ProviderError) {
                    return .offer(try SupplierOffer(jsonSupplier: item, supplierID: supplierID, path: element.path))
                } catch {
                    return .invalid(error)
                }
            case .failure(let error):
                return .invalid(error)
            }
        }
    }
}

extension ProviderError {
    /// An error answer of the supplier API: 401/403 `unauthorized`, 404 `notFound`, 409 `conflict`, 429
    /// `rateLimited`, 5xx `unavailable`, anything else (400, 422, 3xx) `rejected`; `upstreamCode` is the body's
    /// `error.code` when it has one.
    package init(jsonSupplierStatus status: Int, body: Data) {
        let code = (try? JSONDecoder().decode(JSONSupplierError.self, from: body))?.error.code
        let mapped: ProviderError.Code
        switch status {
        case 401, 403: mapped = .unauthorized
        case 404: mapped = .notFound
        case 409: mapped = .conflict
        case 429: mapped = .rateLimited
        case 500..<600: mapped = .unavailable
        default: mapped = .rejected
        }
        self.init(mapped, provider: .supplier, upstreamStatus: status, upstreamCode: code, detail: "supplier API answered \(status)")
    }
}
