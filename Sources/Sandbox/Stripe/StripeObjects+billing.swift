import Foundation

extension StripeObjects {
    /// What one invoice line is: a price, a quantity, and where it comes from.
    struct LineSpec: Sendable {
        var price: JSONValue
        var quantity: Int64
        var description: String
        var subscription: String?
        var subscriptionItem: String?
        /// The tax rate applied (exclusive), if any.
        var taxRate: JSONValue?
    }

    /// An invoice line from the fixture's line: amount `unit_amount × quantity`, tax rounded half up per line.
    func line(id: String, invoice: String, spec: LineSpec, period: (Int64, Int64)) -> JSONValue {
        var line = self.line
        let unit = spec.price["unit_amount"].int ?? 0
        let amount = unit * spec.quantity
        line["id"] = .string(id)
        line["invoice"] = .string(invoice)
        line["amount"] = .int(amount)
        line["subtotal"] = .int(amount)
        line["currency"] = spec.price["currency"]
        line["description"] = .string(spec.description)
        line["quantity"] = .int(spec.quantity)
        line["quantity_decimal"] = .string(String(spec.quantity))
        line["period"] = ["start": .int(period.0), "end": .int(period.1)]
        line["pricing"] = [
            "type": "price_details", "unit_amount_decimal": .string(String(unit)),
            "price_details": ["price": spec.price["id"], "product": spec.price["product"]],
        ]
        line["subscription"] = spec.subscription.map { .string($0) } ?? .null
        if let subscription = spec.subscription {
            line["parent"] = [
                "type": "subscription_item_details", "invoice_item_details": nil,
                "subscription_item_details": [
                    "invoice_item": nil, "proration": false, "proration_details": ["credited_items": nil],
                    "subscription": .string(subscription), "subscription_item": spec.subscriptionItem.map { .string($0) } ?? nil,
                ],
            ]
        } else {
            line["parent"] = [
                "type": "invoice_item_details", "subscription_item_details": nil,
                "invoice_item_details": [
                    "invoice_item": .string("ii_" + id.dropFirst(3)), "proration": false, "proration_details": ["credited_items": nil],
                    "subscription": nil,
                ],
            ]
        }
        if let rate = spec.taxRate, let percentage = rate["percentage"].int {
            let tax = (amount * percentage + 50) / 100
            line["taxes"] = [Self.taxAmount(tax, taxable: amount, rate: rate)]
        } else {
            line["taxes"] = []
        }
        line["pretax_credit_amounts"] = []
        return line
    }

    static func taxAmount(_ amount: Int64, taxable: Int64, rate: JSONValue) -> JSONValue {
        [
            "amount": .int(amount), "tax_behavior": "exclusive", "taxability_reason": "standard_rated",
            "taxable_amount": .int(taxable), "type": "tax_rate_details", "tax_rate_details": ["tax_rate": rate["id"]],
        ]
    }

    /// An invoice from the fixture's, its totals computed from `lines` (Stripe embeds the first ten lines).
    func invoice(
        id: String, number: String?, customer: JSONValue, subscription: String?, billingReason: String, lines: [JSONValue],
        created: Int64, period: (Int64, Int64)
    ) -> JSONValue {
        var invoice = self.invoice
        let subtotal = lines.reduce(Int64(0)) { $0 + ($1["amount"].int ?? 0) }
        var taxes: [String: (amount: Int64, taxable: Int64, rate: JSONValue)] = [:]
        for line in lines {
            for tax in line["taxes"].array ?? [] {
                guard let rate = tax["tax_rate_details"]["tax_rate"].string else { continue }
                let current = taxes[rate] ?? (0, 0, ["id": .string(rate)])
                taxes[rate] = (current.amount + (tax["amount"].int ?? 0), current.taxable + (tax["taxable_amount"].int ?? 0), current.rate)
            }
        }
        let tax = taxes.values.reduce(Int64(0)) { $0 + $1.amount }
        invoice["id"] = .string(id)
        invoice["number"] = number.map { .string($0) } ?? .null
        invoice["customer"] = customer["id"]
        invoice["customer_email"] = customer["email"]
        invoice["customer_name"] = customer["name"]
        invoice["customer_phone"] = customer["phone"]
        invoice["customer_address"] = customer["address"]
        invoice["account_name"] = "Atrium Demo Telco"
        invoice["currency"] = customer["currency"]
        invoice["billing_reason"] = .string(billingReason)
        invoice["created"] = .int(created)
        invoice["period_start"] = .int(period.0)
        invoice["period_end"] = .int(period.1)
        invoice["webhooks_delivered_at"] = .int(created)
        invoice["lines"] = StripeJSON.list(Array(lines.prefix(10)), hasMore: lines.count > 10, url: "/v1/invoices/\(id)/lines")
        invoice["subtotal"] = .int(subtotal)
        invoice["subtotal_excluding_tax"] = .int(subtotal)
        invoice["total_excluding_tax"] = .int(subtotal)
        invoice["total"] = .int(subtotal + tax)
        invoice["amount_due"] = .int(subtotal + tax)
        invoice["total_taxes"] = .array(
            taxes.keys.sorted().compactMap { key in
                taxes[key].map { Self.taxAmount($0.amount, taxable: $0.taxable, rate: $0.rate) }
            })
        invoice["parent"] =
            subscription.map { subscription in
                [
                    "type": "subscription_details", "quote_details": nil,
                    "subscription_details": ["metadata": [:], "subscription": .string(subscription)],
                ]
            } ?? .null
        for field in ["shipping_cost", "last_finalization_error", "from_invoice", "latest_revision", "next_payment_attempt", "due_date"] {
            invoice[field] = .null
        }
        invoice["amount_overpaid"] = 0
        invoice["total_pretax_credit_amounts"] = []
        invoice["hosted_invoice_url"] = .string("https://invoice.stripe.com/i/acct_1DemoAtrium/\(id)")
        invoice["invoice_pdf"] = .string("https://pay.stripe.com/invoice/acct_1DemoAtrium/\(id)/pdf")
        return Self.setStatus(invoice, "draft", at: created)
    }

    /// Moves an invoice to `status` at `time`, keeping its amounts and `status_transitions` consistent.
    static func setStatus(_ invoice: JSONValue, _ status: String, at time: Int64) -> JSONValue {
        var invoice = invoice
        let total = invoice["total"].int ?? 0
        invoice["status"] = .string(status)
        switch status {
        case "draft":
            invoice["status_transitions"] = ["finalized_at": nil, "marked_uncollectible_at": nil, "paid_at": nil, "voided_at": nil]
            invoice["effective_at"] = .null
            invoice["auto_advance"] = true
            invoice["amount_paid"] = 0
            invoice["amount_remaining"] = .int(total)
            invoice["attempted"] = false
            invoice["attempt_count"] = 0
            invoice["ending_balance"] = .null
        case "open":
            invoice["status_transitions"]["finalized_at"] = .int(time)
            invoice["effective_at"] = .int(time)
            invoice["amount_remaining"] = .int(total)
            invoice["ending_balance"] = 0
        case "paid":
            invoice["status_transitions"]["paid_at"] = .int(time)
            invoice["amount_paid"] = .int(total)
            invoice["amount_remaining"] = 0
            invoice["attempted"] = true
            invoice["attempt_count"] = .int((invoice["attempt_count"].int ?? 0) + 1)
            invoice["auto_advance"] = false
        case "void":
            invoice["status_transitions"]["voided_at"] = .int(time)
            invoice["amount_remaining"] = 0
            invoice["auto_advance"] = false
        default:
            invoice["status_transitions"]["marked_uncollectible_at"] = .int(time)
            invoice["auto_advance"] = false
        }
        return invoice
    }

    /// The payment of a paid invoice (https://docs.stripe.com/api/invoice-payment/object).
    func invoicePayment(id: String, invoice: String, paymentIntent: String, amount: Int64, currency: JSONValue, at time: Int64) -> JSONValue
    {
        [
            "id": .string(id), "object": "invoice_payment", "amount_paid": .int(amount), "amount_requested": .int(amount),
            "created": .int(time), "currency": currency, "invoice": .string(invoice), "is_default": true, "livemode": false,
            "payment": ["type": "payment_intent", "payment_intent": .string(paymentIntent)], "status": "paid",
            "status_transitions": ["canceled_at": nil, "paid_at": .int(time)],
        ]
    }

    func refund(
        id: String, amount: Int64, currency: String, paymentIntent: String, reason: String?, metadata: [String: String], at time: Int64
    ) -> JSONValue {
        var refund = self.refund
        refund["id"] = .string(id)
        refund["amount"] = .int(amount)
        refund["currency"] = .string(currency)
        refund["payment_intent"] = .string(paymentIntent)
        refund["charge"] = .string("ch_" + paymentIntent.dropFirst(3))
        refund["reason"] = reason.map { .string($0) } ?? .null
        refund["metadata"] = .object(metadata.mapValues { .string($0) })
        refund["created"] = .int(time)
        refund["status"] = "succeeded"
        return refund
    }

    /// A customer balance transaction (https://docs.stripe.com/api/customer_balance_transactions/object).
    func balanceTransaction(
        id: String, customer: String, amount: Int64, currency: String, description: String?, endingBalance: Int64,
        metadata: [String: String], at time: Int64
    ) -> JSONValue {
        [
            "id": .string(id), "object": "customer_balance_transaction", "amount": .int(amount), "checkout_session": nil,
            "created": .int(time), "credit_note": nil, "currency": .string(currency), "customer": .string(customer),
            "customer_account": nil, "description": description.map { .string($0) } ?? nil, "ending_balance": .int(endingBalance),
            "invoice": nil, "livemode": false, "metadata": .object(metadata.mapValues { .string($0) }), "type": "adjustment",
        ]
    }

    /// An event from the fixture's event: `data.object` is the object after the change.
    func event(
        id: String, type: String, object: JSONValue, previous: JSONValue?, at time: Int64, requestID: String, idempotencyKey: String?
    ) -> JSONValue {
        var event = self.event
        event["id"] = .string(id)
        event["type"] = .string(type)
        event["created"] = .int(time)
        event["api_version"] = .string(StripeSandbox.apiVersion)
        event["data"] = previous.map { ["object": object, "previous_attributes": $0] } ?? ["object": object]
        event["pending_webhooks"] = 1
        event["request"] = ["id": .string(requestID), "idempotency_key": idempotencyKey.map { .string($0) } ?? nil]
        return event
    }
}
