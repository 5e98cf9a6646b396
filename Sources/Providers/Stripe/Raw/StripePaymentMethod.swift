/// A payment method (https://docs.stripe.com/api/payment_methods/object). Only a card's brand, last four digits
/// and expiry are read; Stripe never sends more of the number.
package struct StripePaymentMethod: Codable, Sendable {
    package struct Card: Codable, Sendable {
        package var brand: String
        package var last4: String
        package var expMonth: Int
        package var expYear: Int

        enum CodingKeys: String, CodingKey {
            case brand, last4
            case expMonth = "exp_month"
            case expYear = "exp_year"
        }
    }

    package var id: String
    package var object: String
    /// `card`, `sepa_debit`, `us_bank_account`, `link`, `paypal`, …
    package var type: String
    package var customer: StripeID?
    /// Present when `type` is `card`.
    package var card: Card?
    package var created: Int64
}

/// A refund (https://docs.stripe.com/api/refunds/object).
package struct StripeRefund: Codable, Sendable {
    package var id: String
    package var object: String
    package var amount: Int64
    package var currency: String
    /// `pending`, `requires_action`, `succeeded`, `failed`, `canceled`.
    package var status: String?
    package var charge: StripeID?
    package var paymentIntent: StripeID?
    package var reason: String?
    package var created: Int64
    package var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, object, amount, currency, status, charge, reason, created, metadata
        case paymentIntent = "payment_intent"
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
