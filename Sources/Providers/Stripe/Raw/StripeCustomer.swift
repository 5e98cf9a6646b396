/// A Stripe customer (https://docs.stripe.com/api/customers/object), the fields Atrium reads.
package struct StripeCustomer: Codable, Sendable {
    package struct InvoiceSettings: Codable, Sendable {
        /// The payment method invoices and subscriptions charge by default.
        package var defaultPaymentMethod: StripeID?

        enum CodingKeys: String, CodingKey {
            case defaultPaymentMethod = "default_payment_method"
        }
    }

    package var id: String
    package var object: String
    package var name: String?
    package var email: String?
    package var phone: String?
    package var description: String?
    package var address: StripeAddress?
    /// Lower-case ISO 4217; `null` until the customer is first billed.
    package var currency: String?
    /// Minor units in `currency`: positive is owed by the customer, negative is credit.
    package var balance: Int64
    package var created: Int64
    package var invoiceSettings: InvoiceSettings?
    package var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, object, name, email, phone, description, address, currency, balance, created, metadata
        case invoiceSettings = "invoice_settings"
    }
}

/// What `GET /v1/customers/{id}` answers: the customer, or the stub Stripe keeps of a deleted one
/// (`{"id": …, "object": "customer", "deleted": true}`).
package enum StripeCustomerResult: Decodable, Sendable {
    case customer(StripeCustomer)
    case deleted(id: String)

    private enum CodingKeys: String, CodingKey { case id, deleted }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if try container.decodeIfPresent(Bool.self, forKey: .deleted) == true {
            self = .deleted(id: try container.decode(String.self, forKey: .id))
        } else {
            self = .customer(try StripeCustomer(from: decoder))
        }
    }
}

/// A Stripe address; every part may be `null`.
package struct StripeAddress: Codable, Sendable {
    package var line1: String?
    package var line2: String?
    package var city: String?
    package var state: String?
    package var postalCode: String?
    package var country: String?

    enum CodingKeys: String, CodingKey {
        case line1, line2, city, state, country
        case postalCode = "postal_code"
    }
}

/// A customer balance transaction (https://docs.stripe.com/api/customer_balance_transactions/object): how
/// Atrium credits an account when there is no invoice to refund.
package struct StripeCustomerBalanceTransaction: Codable, Sendable {
    package var id: String
    package var object: String
    /// Negative credits the customer, positive debits.
    package var amount: Int64
    package var currency: String
    package var customer: StripeID
    package var description: String?
    package var endingBalance: Int64
    /// `adjustment`, `applied_to_invoice`, `credit_note`, …
    package var type: String
    package var created: Int64

    enum CodingKeys: String, CodingKey {
        case id, object, amount, currency, customer, description, type, created
        case endingBalance = "ending_balance"
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
