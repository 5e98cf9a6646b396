import Domain

/// `Product2.Family` values and the ``ProductKind`` each means (case-insensitive).
enum SalesforceProductFamily {
    static let kinds: [String: ProductKind] = [
        "sim": .sim, "sim plan": .sim, "sim plans": .sim,
        "subscription": .subscription, "subscriptions": .subscription, "service": .subscription, "services": .subscription,
        "hardware": .physical, "device": .physical, "devices": .physical, "accessory": .physical,
        "accessories": .physical, "physical": .physical,
    ]
}

extension CatalogItem {
    /// Maps a `Product2` record with its `PricebookEntries` sub-query.
    ///
    /// `ProductCode` is the SKU and `Family` decides the kind (and is the category). Each active price book entry
    /// is a price plan in its own currency: monthly for SIM plans and subscriptions, one-off for physical goods
    /// (standard Salesforce products carry no billing period). A CRM does not count stock, so the stock level is
    /// `notApplicable`; supplier adapters report stock.
    ///
    /// - Parameters:
    ///   - raw: The record.
    ///   - orgCurrency: The currency of a single-currency org (whose entries carry no `CurrencyIsoCode`).
    ///   - path: The record's JSON path, for errors.
    /// - Throws: `.invalidPayload` for a missing or invalid `ProductCode`, an unknown `Family`, or an entry
    ///   without a currency or with too many decimals.
    init(salesforce raw: SalesforceProduct, orgCurrency: Currency?, path: String = "$") throws(ProviderError) {
        guard let code = raw.productCode.nonBlank else {
            throw .invalidPayload(.salesforce, path: path + ".ProductCode", "product without a ProductCode")
        }
        let sku: SKU
        do { sku = try SKU(code) } catch { throw .invalidPayload(.salesforce, path: path + ".ProductCode", "not a SKU") }
        guard let family = raw.family.nonBlank, let kind = SalesforceProductFamily.kinds[family.lowercased()] else {
            throw .invalidPayload(.salesforce, path: path + ".Family", "unknown or missing product family")
        }
        var plans: [PricePlan] = []
        for (index, entry) in (raw.pricebookEntries?.records ?? []).enumerated() where entry.isActive != false {
            let entryPath = path + ".PricebookEntries.records[\(index)]"
            let currency = try SalesforceFormats.currency(entry.currencyISOCode, fallback: orgCurrency, path: entryPath + ".CurrencyIsoCode")
            let amount = try SalesforceFormats.money(entry.unitPrice, currency: currency, path: entryPath + ".UnitPrice")
            plans.append(PricePlan(id: entry.id, name: raw.name, amount: amount, interval: kind == .physical ? .oneTime : .monthly))
        }
        var links = SystemLinks()
        links[.salesforce] = raw.id
        self.init(
            sku: sku,
            name: raw.name,
            description: raw.description.nonBlank,
            kind: kind,
            category: family,
            pricePlans: plans,
            stock: StockLevel(availability: .notApplicable),
            isActive: raw.isActive,
            links: links
        )
    }
}
