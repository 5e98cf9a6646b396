/// A Stripe subscription (https://docs.stripe.com/api/subscriptions/object). Since 2025-03-31.basil the billing
/// period lives on each item (`items.data[].current_period_end`); the top-level field is read when present.
package struct StripeSubscription: Codable, Sendable {
    package var id: String
    package var object: String
    package var customer: StripeID
    /// `incomplete`, `incomplete_expired`, `trialing`, `active`, `past_due`, `canceled`, `unpaid`, `paused`.
    package var status: String
    package var currency: String
    package var created: Int64
    package var startDate: Int64?
    package var cancelAtPeriodEnd: Bool
    package var canceledAt: Int64?
    package var endedAt: Int64?
    package var currentPeriodEnd: Int64?
    package var items: StripeList<StripeSubscriptionItem>
    /// The invoice created last; an `in_` id, or the invoice with `expand[]=latest_invoice`.
    package var latestInvoice: StripeExpandable<StripeInvoice>?
    package var defaultPaymentMethod: StripeID?
    package var description: String?
    package var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, object, customer, status, currency, created, items, description, metadata
        case startDate = "start_date"
        case cancelAtPeriodEnd = "cancel_at_period_end"
        case canceledAt = "canceled_at"
        case endedAt = "ended_at"
        case currentPeriodEnd = "current_period_end"
        case latestInvoice = "latest_invoice"
        case defaultPaymentMethod = "default_payment_method"
    }

    /// The latest invoice's id, expanded or not.
    package var latestInvoiceID: String? {
        switch latestInvoice {
        case .id(let id): id
        case .object(let invoice): invoice.id
        case nil: nil
        }
    }
}

/// One item of a subscription: a price and a quantity.
package struct StripeSubscriptionItem: Codable, Sendable {
    package var id: String
    package var quantity: Int?
    package var price: StripePrice
    package var currentPeriodStart: Int64?
    package var currentPeriodEnd: Int64?

    enum CodingKeys: String, CodingKey {
        case id, quantity, price
        case currentPeriodStart = "current_period_start"
        case currentPeriodEnd = "current_period_end"
    }
}

/// A price (https://docs.stripe.com/api/prices/object): what a product costs, once or per interval.
package struct StripePrice: Codable, Sendable {
    package struct Recurring: Codable, Sendable {
        /// `day`, `week`, `month`, `year`.
        package var interval: String
        package var intervalCount: Int

        enum CodingKeys: String, CodingKey {
            case interval
            case intervalCount = "interval_count"
        }
    }

    package var id: String
    package var object: String
    package var active: Bool
    package var currency: String
    /// Minor units; `null` for tiered or custom-amount prices.
    package var unitAmount: Int64?
    package var nickname: String?
    package var product: StripeExpandable<StripeProduct>
    package var recurring: Recurring?
    /// `one_time` or `recurring`.
    package var type: String

    enum CodingKeys: String, CodingKey {
        case id, object, active, currency, nickname, product, recurring, type
        case unitAmount = "unit_amount"
    }

    /// The product's id, expanded or not.
    package var productID: String {
        switch product {
        case .id(let id): id
        case .object(let product): product.id
        }
    }
}

/// A product (https://docs.stripe.com/api/products/object).
package struct StripeProduct: Codable, Sendable {
    package var id: String
    package var object: String
    package var active: Bool
    package var name: String
    package var description: String?
    package var defaultPrice: StripeID?
    package var images: [String]?
    package var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, object, active, name, description, images, metadata
        case defaultPrice = "default_price"
    }
}

/// A plan (https://docs.stripe.com/api/plans/object), the older form of a recurring price; events still carry it.
package struct StripePlan: Codable, Sendable {
    package var id: String
    package var object: String
    package var active: Bool
    package var amount: Int64?
    package var currency: String
    package var interval: String
    package var intervalCount: Int
    package var nickname: String?
    package var product: StripeID?

    enum CodingKeys: String, CodingKey {
        case id, object, active, amount, currency, interval, nickname, product
        case intervalCount = "interval_count"
    }
}

// Integers of this file's types decode through StripeWholeNumber (see StripeWholeNumberDecoding).
extension KeyedDecodingContainer {
    fileprivate func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try StripeWholeNumberDecoding.decode(self, key) }
    fileprivate func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try StripeWholeNumberDecoding.decodeIfPresent(self, key)
    }
    fileprivate func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try StripeWholeNumberDecoding.decodeInt(self, key) }
    fileprivate func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try StripeWholeNumberDecoding.decodeIntIfPresent(self, key)
    }
}
