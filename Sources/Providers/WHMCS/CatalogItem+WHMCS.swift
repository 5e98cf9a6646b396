import Domain

extension CatalogItem {
    /// Maps a `GetProducts` product at `index`: one price plan per currency and offered cycle (`-1.00` means not
    /// offered), with the cycle's setup fee when it is not zero. A free product gets a zero one-time plan per
    /// currency. The SKU is the product's slug, else `whmcs-<pid>`; `links[.whmcs]` is the pid.
    /// - Throws: `invalidPayload` for an unknown currency code or an amount that does not fit it.
    init(whmcs product: WHMCSProduct, index: Int) throws(ProviderError) {
        let path = "$.products.product[\(index)]"
        var plans: [PricePlan] = []
        for code in product.pricing.currencies.keys.sorted() {
            guard let pricing = product.pricing.currencies[code] else { continue }
            let currency = try WHMCSMapping.currency(code, path: "\(path).pricing.\(code)")
            let cycles: [WHMCSBillingCycle]
            switch product.paytype {
            case .free: cycles = []
            case .onetime: cycles = [.onetime]
            case .recurring: cycles = [.monthly, .quarterly, .semiannually, .annually, .biennially, .triennially]
            }
            if product.paytype == .free {
                plans.append(PricePlan(id: "\(product.pid.value):free:\(code)", name: "Free", amount: Money(minorUnits: 0, currency: currency), interval: .oneTime))
            }
            for cycle in cycles {
                guard let (price, fee) = pricing.price(cycle) else { continue }
                let setupFee = try fee.map { fee throws(ProviderError) in try fee.money(currency) }
                plans.append(PricePlan(
                    id: "\(product.pid.value):\(cycle.rawValue):\(code)",
                    name: cycle.displayName,
                    amount: try price.money(currency),
                    interval: BillingInterval(whmcs: cycle),
                    setupFee: setupFee?.minorUnits == 0 ? nil : setupFee
                ))
            }
        }
        let fallback = "whmcs-\(product.pid.value)"
        let sku: SKU
        do {
            sku = try SKU(WHMCSMapping.nonEmpty(product.slug) ?? fallback)
        } catch {
            guard let plain = try? SKU(fallback) else { throw .invalidPayload(.whmcs, path: "\(path).pid", "unusable product id") }
            sku = plain
        }
        self.init(
            sku: sku,
            name: product.name,
            description: WHMCSMapping.nonEmpty(product.description),
            kind: .subscription,
            pricePlans: plans,
            stock: StockLevel(availability: .notApplicable),
            links: SystemLinks([.whmcs: product.pid.value])
        )
    }
}

extension WHMCSBillingCycle {
    var displayName: String {
        switch self {
        case .free: "Free Account"
        case .onetime: "One Time"
        case .monthly: "Monthly"
        case .quarterly: "Quarterly"
        case .semiannually: "Semi-Annually"
        case .annually: "Annually"
        case .biennially: "Biennially"
        case .triennially: "Triennially"
        }
    }
}
