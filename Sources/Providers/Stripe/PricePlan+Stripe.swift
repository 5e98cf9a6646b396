package import Domain

extension PricePlan {
    /// Maps a Stripe price: named by its nickname, else `productName`, else its id; a one-time price has the
    /// `one_time` interval.
    ///
    /// - Throws: `.invalidPayload` for a price without a unit amount (tiered, custom amount), an unknown currency or
    ///   an interval Atrium cannot name.
    package init(stripe price: StripePrice, productName: String? = nil, path: String = "$") throws(ProviderError) {
        let currency = try StripeValue.currency(price.currency, at: path + ".currency")
        guard let unit = price.unitAmount else { throw StripeValue.invalid(path + ".unit_amount", "no unit amount") }
        let interval = try price.recurring.map { recurring throws(ProviderError) in
            try StripeValue.interval(recurring.interval, count: recurring.intervalCount, at: path + ".recurring")
        }
        self.init(
            id: price.id,
            name: price.nickname ?? productName ?? price.id,
            amount: Money(minorUnits: unit, currency: currency),
            interval: interval ?? .oneTime
        )
    }

    /// Maps a plan (the older form of a recurring price, still sent in events).
    package init(stripePlan plan: StripePlan, path: String = "$") throws(ProviderError) {
        let currency = try StripeValue.currency(plan.currency, at: path + ".currency")
        guard let amount = plan.amount else { throw StripeValue.invalid(path + ".amount", "no amount") }
        self.init(
            id: plan.id,
            name: plan.nickname ?? plan.product?.id ?? plan.id,
            amount: Money(minorUnits: amount, currency: currency),
            interval: try StripeValue.interval(plan.interval, count: plan.intervalCount, at: path)
        )
    }
}

extension CatalogItem {
    /// Maps a Stripe product and its prices to a catalog item: a billed service, so a subscription without stock,
    /// linked to the product's Stripe id; its SKU is the product id.
    ///
    /// - Throws: `.invalidPayload` for a product id that is not a valid SKU, or a price that does not map.
    package init(stripe product: StripeProduct, prices: [StripePrice], path: String = "$") throws(ProviderError) {
        let sku = try StripeValue.validated(path + ".id") { () throws(ValidationError) in try SKU(product.id) }
        var plans: [PricePlan] = []
        for (index, price) in prices.enumerated() {
            plans.append(try PricePlan(stripe: price, productName: product.name, path: "\(path).prices[\(index)]"))
        }
        self.init(
            sku: sku,
            name: product.name,
            description: product.description,
            kind: .subscription,
            imageURL: product.images?.first,
            pricePlans: plans,
            stock: StockLevel(availability: .notApplicable),
            isActive: product.active,
            links: SystemLinks([.stripe: product.id])
        )
    }
}
