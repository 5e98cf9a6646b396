package import Domain
package import Foundation

extension SupplierOffer {
    /// Maps a Heureka/Zboží `SHOPITEM` to an offer.
    ///
    /// - `itemID`: `ITEM_ID` (`[A-Za-z0-9_-]{1,36}`). A 2011-era feed has no `ITEM_ID`; Heureka then paired offers by
    ///   `URL`, so the URL is the id. Neither present is invalid.
    /// - `name`: `PRODUCTNAME`, else `PRODUCT` (Zboží and 2011 feeds).
    /// - `price`: `PRICE_VAT`, digits with `.` or `,` decimals, in `currency` (the feed's; CZK for Czech feeds).
    /// - `stock`: from `DELIVERY_DATE`: `0` in stock, `n` days or a date → backorder delivered in that many days
    ///   (a past date counts as today, so in stock); absent → backorder with no stated delivery time (Heureka's
    ///   "availability in the shop").
    /// - optional texts (`DESCRIPTION`, `URL`, `IMGURL`, `EAN`, `MANUFACTURER`, `CATEGORYTEXT`): empty is absent.
    ///
    /// - Parameters:
    ///   - item: The raw item.
    ///   - supplierID: The configured supplier's name.
    ///   - currency: The feed's currency.
    ///   - now: The instant "today" is taken from, for delivery dates.
    /// - Throws: `invalidPayload` whose path names the element, e.g. `SHOP/SHOPITEM[1523]/PRICE_VAT`.
    package init(heureka item: HeurekaShopItem, supplierID: String, currency: Currency, now: Date) throws(ProviderError) {
        func invalid(_ element: HeurekaShopItem.CodingKeys, _ reason: String) -> ProviderError {
            .invalidPayload(.supplier, path: "\(item.path)/\(element.rawValue)", reason)
        }
        func present(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }

        if let oversized = item.oversizedField {
            throw .invalidPayload(.supplier, path: "\(item.path)/\(oversized)", "element text over the size cap")
        }
        let itemID: String
        if let raw = item.itemID {
            guard Self.isHeurekaItemID(raw) else { throw invalid(.itemID, "not 1-36 of A-Z a-z 0-9 _ -") }
            itemID = raw
        } else if let url = present(item.url) {
            itemID = url
        } else {
            throw invalid(.itemID, "missing (and no URL to identify the item by)")
        }
        guard let name = present(item.productName) ?? present(item.product) else {
            throw invalid(.productName, "missing (neither PRODUCTNAME nor PRODUCT)")
        }
        guard let priceText = present(item.priceVAT) else { throw invalid(.priceVAT, "missing") }
        let price: Money
        do {
            price = try Money(decimalString: priceText.replacingOccurrences(of: ",", with: "."), currency: currency, field: "PRICE_VAT")
        } catch {
            throw invalid(.priceVAT, "not a decimal amount in \(currency)")
        }
        let stock: StockLevel
        if let delivery = present(item.deliveryDate) {
            let days: Int
            if let count = HeurekaDates.number(delivery.utf8), delivery.utf8.count <= 3 {
                days = count
            } else if let untilDate = HeurekaDates.days(until: delivery, now: now), delivery.utf8.count == 10 {
                days = untilDate
            } else {
                throw invalid(.deliveryDate, "neither a number of days nor a YYYY-MM-DD date")
            }
            stock = days == 0 ? StockLevel(availability: .inStock, deliveryDays: 0) : StockLevel(availability: .backorder, deliveryDays: days)
        } else {
            stock = StockLevel(availability: .backorder)
        }
        do {
            try self.init(
                supplierID: supplierID, itemID: itemID, name: name, description: present(item.description), ean: present(item.ean),
                manufacturer: present(item.manufacturer), category: present(item.categoryText), url: present(item.url),
                imageURL: present(item.imgURL), price: price, stock: stock
            )
        } catch {
            switch error.field {
            case "ean": throw invalid(.ean, "not 8 to 14 digits")
            case "price": throw invalid(.priceVAT, error.message)
            default: throw invalid(.itemID, error.message)
            }
        }
    }

    /// Heureka's `ITEM_ID` rule: 1 to 36 of `A-Z a-z 0-9 _ -`.
    static func isHeurekaItemID(_ text: String) -> Bool {
        (1...36).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F || byte == 0x2D
            }
    }
}

extension StockLevel {
    /// Maps an availability-feed item: `stock_quantity` > 0 is in stock with that quantity; otherwise a
    /// `delivery_time` makes it a backorder delivered in that many days; neither is out of stock.
    ///
    /// - Throws: `invalidPayload` at `…/stock_quantity` (not a whole number) or `…/delivery_time` (not a date).
    package init(heurekaAvailability item: HeurekaAvailabilityItem, now: Date) throws(ProviderError) {
        var quantity: Int?
        if let text = item.stockQuantity {
            guard let value = HeurekaDates.number(text.utf8) else {
                throw .invalidPayload(.supplier, path: "\(item.path)/stock_quantity", "not a whole number of units")
            }
            quantity = value
        }
        var days: Int?
        if let text = item.deliveryTime, !text.isEmpty {
            guard let value = HeurekaDates.days(until: text, now: now) else {
                throw .invalidPayload(.supplier, path: "\(item.path)/delivery_time", "not a YYYY-MM-DD HH:MM time")
            }
            days = value
        }
        if let quantity, quantity > 0 {
            self.init(availability: .inStock, quantity: quantity, deliveryDays: days)
        } else if let days {
            self.init(availability: .backorder, quantity: quantity, deliveryDays: days)
        } else {
            self.init(availability: .outOfStock, quantity: quantity)
        }
    }
}
