package import Foundation

/// A Stripe invoice (https://docs.stripe.com/api/invoices/object) as API version 2026-07-29.dahlia shapes it:
/// taxes in `total_taxes` and per line in `lines.data[].taxes`, the unit price in `lines.data[].pricing`.
package struct StripeInvoice: Codable, Sendable {
    package struct StatusTransitions: Codable, Sendable {
        package var finalizedAt: Int64?
        package var paidAt: Int64?
        package var voidedAt: Int64?
        package var markedUncollectibleAt: Int64?

        enum CodingKeys: String, CodingKey {
            case finalizedAt = "finalized_at"
            case paidAt = "paid_at"
            case voidedAt = "voided_at"
            case markedUncollectibleAt = "marked_uncollectible_at"
        }
    }

    package var id: String
    package var object: String
    package var number: String?
    package var customer: StripeID?
    /// `draft`, `open`, `paid`, `uncollectible`, `void`; `null` only for previews.
    package var status: String?
    package var currency: String
    package var amountDue: Int64
    package var amountPaid: Int64
    package var amountRemaining: Int64
    package var subtotal: Int64
    package var total: Int64
    package var totalExcludingTax: Int64?
    package var totalTaxes: [StripeTaxAmount]?
    package var lines: StripeList<StripeInvoiceLineItem>
    package var created: Int64
    /// When the invoice takes effect: its finalisation unless overridden; `null` for drafts.
    package var effectiveAt: Int64?
    package var dueDate: Int64?
    package var statusTransitions: StatusTransitions?
    /// `subscription_create` for a subscription's first invoice, `subscription_cycle`, `manual`, …
    package var billingReason: String?
    package var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, object, number, customer, status, currency, subtotal, total, lines, created, metadata
        case billingReason = "billing_reason"
        case amountDue = "amount_due"
        case amountPaid = "amount_paid"
        case amountRemaining = "amount_remaining"
        case totalExcludingTax = "total_excluding_tax"
        case totalTaxes = "total_taxes"
        case effectiveAt = "effective_at"
        case dueDate = "due_date"
        case statusTransitions = "status_transitions"
    }
}

/// One line of an invoice (https://docs.stripe.com/api/invoice-line-item/object).
package struct StripeInvoiceLineItem: Codable, Sendable {
    package var id: String
    package var amount: Int64
    package var currency: String
    package var description: String?
    package var quantity: Int?
    package var pricing: StripePricing?
    package var taxes: [StripeTaxAmount]?

    enum CodingKeys: String, CodingKey {
        case id, amount, currency, description, quantity, pricing, taxes
    }
}

/// How a line or invoice item was priced: `unit_amount_decimal` is a decimal string in minor units.
package struct StripePricing: Codable, Sendable {
    package struct PriceDetails: Codable, Sendable {
        package var price: String?
        package var product: String?
    }

    package var type: String?
    package var unitAmountDecimal: String?
    package var priceDetails: PriceDetails?

    enum CodingKeys: String, CodingKey {
        case type
        case unitAmountDecimal = "unit_amount_decimal"
        case priceDetails = "price_details"
    }
}

/// A tax amount of an invoice or a line: `{amount, tax_behavior, tax_rate_details: {tax_rate}, taxable_amount, …}`.
package struct StripeTaxAmount: Codable, Sendable {
    package struct TaxRateDetails: Codable, Sendable {
        /// A `txr_` id, or the tax rate when expanded (`expand[]=total_taxes.tax_rate_details.tax_rate`).
        package var taxRate: StripeExpandable<StripeTaxRate>

        enum CodingKeys: String, CodingKey {
            case taxRate = "tax_rate"
        }
    }

    package var amount: Int64
    package var taxBehavior: String?
    package var taxRateDetails: TaxRateDetails?
    package var taxableAmount: Int64?
    package var type: String?

    enum CodingKeys: String, CodingKey {
        case amount, type
        case taxBehavior = "tax_behavior"
        case taxRateDetails = "tax_rate_details"
        case taxableAmount = "taxable_amount"
    }
}

/// A tax rate (https://docs.stripe.com/api/tax_rates/object). `percentage` is a JSON number such as `21` or
/// `8.25`; it is decoded as `Decimal` so the rate stays exact.
package struct StripeTaxRate: Codable, Sendable {
    package var id: String
    package var object: String
    package var displayName: String
    package var percentage: Decimal
    package var inclusive: Bool
    package var jurisdiction: String?

    enum CodingKeys: String, CodingKey {
        case id, object, percentage, inclusive, jurisdiction
        case displayName = "display_name"
    }
}

/// A pending invoice item (https://docs.stripe.com/api/invoiceitems/object); it becomes a line of the next invoice.
package struct StripeInvoiceItem: Codable, Sendable {
    package var id: String
    package var object: String
    package var amount: Int64
    package var currency: String
    package var customer: StripeID?
    package var description: String?
    package var quantity: Int
    package var pricing: StripePricing?
    package var date: Int64
}

/// A payment of an invoice (https://docs.stripe.com/api/invoice-payment/object): since 2025-03-31.basil the
/// invoice no longer names its charge or payment intent; these do.
package struct StripeInvoicePayment: Codable, Sendable {
    package struct Payment: Codable, Sendable {
        /// `payment_intent`, `charge`, `payment_record`.
        package var type: String
        package var paymentIntent: StripeID?
        package var charge: StripeID?

        enum CodingKeys: String, CodingKey {
            case type, charge
            case paymentIntent = "payment_intent"
        }
    }

    package var id: String
    package var object: String
    package var amountPaid: Int64?
    package var amountRequested: Int64
    package var currency: String
    package var invoice: StripeID
    package var isDefault: Bool
    /// `open`, `paid`, `canceled`.
    package var status: String
    package var payment: Payment

    enum CodingKeys: String, CodingKey {
        case id, object, currency, invoice, status, payment
        case amountPaid = "amount_paid"
        case amountRequested = "amount_requested"
        case isDefault = "is_default"
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
