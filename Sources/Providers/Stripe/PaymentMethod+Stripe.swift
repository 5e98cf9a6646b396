package import Domain

extension PaymentMethod {
    /// Maps a Stripe payment method: a card's brand, last four digits and expiry; for other types the kind and the
    /// Stripe type as the brand (`sepa_debit`, `paypal`), nothing else.
    ///
    /// - Parameters:
    ///   - method: The payment method.
    ///   - defaultID: The customer's `invoice_settings.default_payment_method`.
    ///   - path: The JSON path of `method` in its response.
    /// - Throws: `.invalidPayload` for a card without its `card` block or with digits that are not four.
    package init(stripe method: StripePaymentMethod, defaultID: String?, path: String = "$") throws(ProviderError) {
        let isDefault = method.id == defaultID
        guard method.type == "card" else {
            self = try StripeValue.validated(path) { () throws(ValidationError) in
                try PaymentMethod(id: method.id, kind: Self.kind(method.type), brand: method.type, last4: nil, isDefault: isDefault)
            }
            return
        }
        guard let card = method.card else { throw StripeValue.invalid(path + ".card", "a card payment method without card details") }
        let fields = ["last4": "last4", "expiry_month": "exp_month"]
        self = try StripeValue.validated(path + ".card", fields: fields) { () throws(ValidationError) in
            try PaymentMethod(
                id: method.id, kind: .card, brand: card.brand, last4: card.last4,
                expiryMonth: card.expMonth, expiryYear: card.expYear, isDefault: isDefault
            )
        }
    }

    static func kind(_ type: String) -> Kind {
        switch type {
        case "card": .card
        case "sepa_debit", "us_bank_account", "bacs_debit", "au_becs_debit", "acss_debit", "nz_bank_account", "payto": .bankAccount
        case "link", "paypal", "cashapp", "amazon_pay", "revolut_pay", "mobilepay", "kakao_pay", "naver_pay", "samsung_pay": .wallet
        default: .other
        }
    }
}

extension Refund {
    /// Maps a Stripe refund; a `null` status (Stripe allows it while the refund is created) is pending.
    ///
    /// - Throws: `.invalidPayload` for an unknown status or currency.
    package init(stripe refund: StripeRefund, path: String = "$") throws(ProviderError) {
        let currency = try StripeValue.currency(refund.currency, at: path + ".currency")
        let status: Refund.Status
        switch refund.status {
        case nil, "pending", "requires_action": status = .pending
        case "succeeded": status = .succeeded
        case "failed": status = .failed
        case "canceled": status = .cancelled
        default: throw StripeValue.invalid(path + ".status", "unknown refund status")
        }
        self.init(id: refund.id, amount: Money(minorUnits: refund.amount, currency: currency), status: status)
    }

    /// Maps a customer balance credit (a negative balance transaction) as a succeeded refund of its magnitude.
    ///
    /// - Throws: `.invalidPayload` for a transaction that is not a credit, or an unknown currency.
    package init(stripeCredit transaction: StripeCustomerBalanceTransaction, path: String = "$") throws(ProviderError) {
        let currency = try StripeValue.currency(transaction.currency, at: path + ".currency")
        guard transaction.amount < 0, transaction.amount != .min else { throw StripeValue.invalid(path + ".amount", "not a credit") }
        self.init(id: transaction.id, amount: Money(minorUnits: -transaction.amount, currency: currency), status: .succeeded)
    }
}
