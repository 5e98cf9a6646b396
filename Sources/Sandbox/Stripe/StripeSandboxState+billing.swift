import Foundation

/// The billing changes the seed and the write routes share: creating, finalising, paying and voiding invoices.
extension StripeSandboxState {
    /// The lines of an invoice in invoice order (each is also kept as a `line_item` object).
    func lines(of invoiceID: String) -> [JSONValue] {
        objects.values
            .filter { $0["object"].string == "line_item" && $0["invoice"].string == invoiceID }
            .sorted { (sequence[$0["id"].string ?? ""] ?? 0) < (sequence[$1["id"].string ?? ""] ?? 0) }
    }

    /// Creates a draft invoice for `customerID` with one line per spec.
    ///
    /// - Returns: the invoice, or `nil` when the customer does not exist.
    mutating func createInvoice(
        _ objects: StripeObjects, id: String? = nil, customerID: String, subscription: String?, billingReason: String,
        lines specs: [StripeObjects.LineSpec], created: Int64, period: (Int64, Int64)
    ) -> JSONValue? {
        guard let customer = self[customerID] else { return nil }
        let invoiceID = id ?? newID("in")
        let lines = specs.enumerated().map { index, spec in
            objects.line(
                id: "il_" + invoiceID.dropFirst(3) + String(format: "L%02d", index + 1), invoice: invoiceID, spec: spec, period: period)
        }
        for line in lines { put(line) }
        let invoice = objects.invoice(
            id: invoiceID, number: nil, customer: customer, subscription: subscription, billingReason: billingReason,
            lines: lines, created: created, period: period
        )
        put(invoice)
        return invoice
    }

    /// Finalises a draft: gives it the customer's next number and opens it.
    mutating func finalizeInvoice(_ id: String, at time: Int64) -> JSONValue? {
        guard var invoice = self[id], let customerID = invoice["customer"].string, var customer = self[customerID] else { return nil }
        let sequenceNumber = customer["next_invoice_sequence"].int ?? 1
        let prefix = customer["invoice_prefix"].string ?? "INV"
        invoice["number"] = .string(prefix + "-" + String(format: "%04lld", sequenceNumber))
        customer["next_invoice_sequence"] = .int(sequenceNumber + 1)
        put(customer)
        invoice = StripeObjects.setStatus(invoice, "open", at: time)
        put(invoice)
        return invoice
    }

    /// Marks an open invoice paid by a new payment intent and records the invoice payment.
    mutating func payInvoice(_ objects: StripeObjects, _ id: String, at time: Int64) -> JSONValue? {
        guard var invoice = self[id], let customerID = invoice["customer"].string else { return nil }
        let amount = invoice["amount_due"].int ?? 0
        let currency = invoice["currency"]
        let intent = newID("pi")
        payments[intent] = Payment(
            id: intent, invoiceID: id, customerID: customerID, amount: amount, currency: currency.string ?? "eur", refunded: 0
        )
        put(objects.invoicePayment(id: newID("inpay"), invoice: id, paymentIntent: intent, amount: amount, currency: currency, at: time))
        invoice = StripeObjects.setStatus(invoice, "paid", at: time)
        put(invoice)
        return invoice
    }

    mutating func setInvoiceStatus(_ id: String, _ status: String, at time: Int64) -> JSONValue? {
        guard let invoice = self[id] else { return nil }
        let updated = StripeObjects.setStatus(invoice, status, at: time)
        put(updated)
        return updated
    }
}
