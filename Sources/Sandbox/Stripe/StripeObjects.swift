import Foundation

/// Builds the sandbox's objects from the Stripe fixtures (`fixtures/upstream/stripe/*.json`, stripe-mock's
/// objects): each builder starts from a fixture object and sets the fields that vary, so every object keeps the
/// full shape of API version ``StripeSandbox/apiVersion``. Tax rates, invoice payments and customer balance
/// transactions have no fixture and are built from their documented fields.
struct StripeObjects: Sendable {
    let customer: JSONValue
    let deletedCustomer: JSONValue
    let invoice: JSONValue
    let line: JSONValue
    let subscription: JSONValue
    let subscriptionItem: JSONValue
    let paymentMethod: JSONValue
    let price: JSONValue
    let product: JSONValue
    let refund: JSONValue
    let event: JSONValue

    /// - Throws: ``SandboxFixtures/Failure`` when a fixture is missing or not JSON.
    init() throws {
        customer = try SandboxFixtures.json("stripe/customer.json")
        deletedCustomer = try SandboxFixtures.json("stripe/deleted_customer.json")
        invoice = try SandboxFixtures.json("stripe/invoice.json")
        subscription = try SandboxFixtures.json("stripe/subscription.json")
        paymentMethod = try SandboxFixtures.json("stripe/payment_method.json")
        price = try SandboxFixtures.json("stripe/price.json")
        product = try SandboxFixtures.json("stripe/product.json")
        refund = try SandboxFixtures.json("stripe/refund.json")
        event = try SandboxFixtures.json("stripe/event.json")
        guard let line = invoice["lines"]["data"].array?.first else {
            throw SandboxFixtures.Failure.invalid("stripe/invoice.json", "no line in lines.data")
        }
        guard let item = subscription["items"]["data"].array?.first else {
            throw SandboxFixtures.Failure.invalid("stripe/subscription.json", "no item in items.data")
        }
        self.line = line
        self.subscriptionItem = item
    }

    // MARK: Catalog

    func product(id: String, name: String, description: String, defaultPrice: String?, created: Int64) -> JSONValue {
        var product = self.product
        product["id"] = .string(id)
        product["name"] = .string(name)
        product["description"] = .string(description)
        product["default_price"] = defaultPrice.map { .string($0) } ?? .null
        product["created"] = .int(created)
        product["updated"] = .int(created)
        product["type"] = "service"
        product["package_dimensions"] = .null
        product["metadata"] = [:]
        return product
    }

    /// A price; `interval` `nil` makes it one-time.
    func price(
        id: String, product: String, nickname: String, unitAmount: Int64, currency: String, interval: (String, Int)?, created: Int64
    ) -> JSONValue {
        var price = self.price
        price["id"] = .string(id)
        price["product"] = .string(product)
        price["nickname"] = .string(nickname)
        price["unit_amount"] = .int(unitAmount)
        price["unit_amount_decimal"] = .string(String(unitAmount))
        price["currency"] = .string(currency)
        price["created"] = .int(created)
        price["transform_quantity"] = .null
        price["custom_unit_amount"] = .null
        price["lookup_key"] = .null
        if let interval {
            price["type"] = "recurring"
            price["recurring"]["interval"] = .string(interval.0)
            price["recurring"]["interval_count"] = .int(Int64(interval.1))
        } else {
            price["type"] = "one_time"
            price["recurring"] = .null
        }
        return price
    }

    /// A tax rate (https://docs.stripe.com/api/tax_rates/object); `percentage` is whole percent.
    func taxRate(id: String, displayName: String, percentage: Int64, country: String, created: Int64) -> JSONValue {
        [
            "id": .string(id), "object": "tax_rate", "active": true, "country": .string(country), "created": .int(created),
            "description": .string("\(displayName) \(percentage) %"), "display_name": .string(displayName),
            "effective_percentage": .int(percentage), "flat_amount": nil, "inclusive": false, "jurisdiction": .string(country),
            "jurisdiction_level": "country", "livemode": false, "metadata": [:], "percentage": .int(percentage),
            "rate_type": "percentage", "state": nil, "tax_type": "vat",
        ]
    }

    // MARK: Customers

    func customer(
        id: String, name: String, email: String, phone: String, address: [String: String], currency: String,
        balance: Int64, defaultPaymentMethod: String?, invoicePrefix: String, created: Int64
    ) -> JSONValue {
        var customer = self.customer
        customer["id"] = .string(id)
        customer["name"] = .string(name)
        customer["email"] = .string(email)
        customer["phone"] = .string(phone)
        for (key, value) in address { customer["address"][key] = .string(value) }
        customer["currency"] = .string(currency)
        customer["balance"] = .int(balance)
        customer["created"] = .int(created)
        customer["invoice_prefix"] = .string(invoicePrefix)
        customer["discount"] = .null
        customer["shipping"] = .null
        customer["invoice_settings"]["default_payment_method"] = defaultPaymentMethod.map { .string($0) } ?? .null
        return customer
    }

    func deletedCustomer(id: String) -> JSONValue {
        var customer = deletedCustomer
        customer["id"] = .string(id)
        return customer
    }

    func card(
        id: String, customer: String, holder: String, email: String, brand: String, last4: String, expiry: (Int64, Int64), created: Int64
    ) -> JSONValue {
        var method = paymentMethod
        method["id"] = .string(id)
        method["customer"] = .string(customer)
        method["created"] = .int(created)
        method["metadata"] = [:]
        method["billing_details"]["name"] = .string(holder)
        method["billing_details"]["email"] = .string(email)
        method["card"]["brand"] = .string(brand)
        method["card"]["display_brand"] = .string(brand)
        method["card"]["last4"] = .string(last4)
        method["card"]["exp_month"] = .int(expiry.0)
        method["card"]["exp_year"] = .int(expiry.1)
        method["card"]["fingerprint"] = .string("fp" + String(id.suffix(14)))
        method["card"]["wallet"] = .null
        method["card"]["generated_from"] = .null
        return method
    }

    // MARK: Subscriptions

    /// A subscription with one item per `(item id, price, quantity)`, all billed `start` to `periodEnd`.
    func subscription(
        id: String, customer: String, items: [(String, JSONValue, Int64)], status: String, created: Int64,
        period: (start: Int64, end: Int64), latestInvoice: String?, taxRates: [JSONValue], defaultPaymentMethod: String?,
        metadata: [String: String]
    ) -> JSONValue {
        var subscription = self.subscription
        let data: [JSONValue] = items.map { itemID, price, quantity in
            var item = subscriptionItem
            item["id"] = .string(itemID)
            item["created"] = .int(created)
            item["current_period_start"] = .int(period.start)
            item["current_period_end"] = .int(period.end)
            item["price"] = price
            item["plan"] = plan(from: price)
            item["quantity"] = .int(quantity)
            item["subscription"] = .string(id)
            item["billing_thresholds"] = .null
            return item
        }
        subscription["id"] = .string(id)
        subscription["customer"] = .string(customer)
        subscription["items"] = StripeJSON.list(data, hasMore: false, url: "/v1/subscription_items?subscription=\(id)")
        subscription["status"] = .string(status)
        subscription["currency"] = items.first?.1["currency"] ?? "eur"
        subscription["created"] = .int(created)
        subscription["start_date"] = .int(created)
        subscription["billing_cycle_anchor"] = .int(period.start)
        subscription["latest_invoice"] = latestInvoice.map { .string($0) } ?? .null
        subscription["default_tax_rates"] = .array(taxRates)
        subscription["default_payment_method"] = defaultPaymentMethod.map { .string($0) } ?? .null
        subscription["metadata"] = .object(metadata.mapValues { .string($0) })
        for field in [
            "cancel_at", "canceled_at", "ended_at", "trial_start", "trial_end", "pending_update", "pause_collection",
            "transfer_data", "billing_cycle_anchor_config", "billing_thresholds", "next_pending_invoice_item_invoice",
            "pending_invoice_item_interval",
        ] {
            subscription[field] = .null
        }
        subscription["cancel_at_period_end"] = false
        subscription["billing_schedules"] = []
        subscription["cancellation_details"] = ["comment": nil, "feedback": nil, "reason": nil]
        return subscription
    }

    /// The legacy `plan` Stripe still shows beside a recurring price on subscription items.
    private func plan(from price: JSONValue) -> JSONValue {
        [
            "id": price["id"], "object": "plan", "active": true, "amount": price["unit_amount"],
            "amount_decimal": price["unit_amount_decimal"], "billing_scheme": "per_unit", "created": price["created"],
            "currency": price["currency"], "interval": price["recurring"]["interval"],
            "interval_count": price["recurring"]["interval_count"], "livemode": false, "metadata": [:], "meter": nil,
            "nickname": price["nickname"], "product": price["product"], "tiers_mode": nil, "transform_usage": nil,
            "trial_period_days": nil, "usage_type": "licensed",
        ]
    }
}
