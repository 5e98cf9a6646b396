import Foundation

/// How a charge of a customer's payment method ends.
enum StripeChargeOutcome: Sendable, Equatable {
    case succeeded
    /// The card (this payment method) was declined.
    case declined(String)
    case noPaymentMethod
}

/// `POST /v1/invoices/{id}/finalize|pay|void`, `POST /v1/refunds`, `POST /v1/customers/{id}/balance_transactions`.
extension StripeSandbox {
    func finalize(_ state: inout StripeSandboxState, _ call: StripeCall, invoice id: String) -> StripeReply {
        guard let invoice = state[id], invoice["object"].string == "invoice" else {
            return .missing("invoice", id, param: "invoice", status: 404)
        }
        guard invoice["status"].string == "draft", let open = state.finalizeInvoice(id, at: call.now) else {
            return .error(
                400, code: "invoice_not_editable", message: "This invoice is already finalized, you can't re-finalize a non-draft invoice.")
        }
        return .ok(open, events: [event(&state, "invoice.finalized", open, call)])
    }

    /// Charges an open (or uncollectible) invoice with `payment_method`, else the subscription's default, else the
    /// customer's; paying a subscription's invoice turns an `incomplete` or `past_due` subscription `active`.
    func pay(_ state: inout StripeSandboxState, _ form: StripeForm, _ call: StripeCall, invoice id: String) -> StripeReply {
        guard let invoice = state[id], invoice["object"].string == "invoice", let customer = invoice["customer"].string else {
            return .missing("invoice", id, param: "invoice", status: 404)
        }
        switch invoice["status"].string {
        case "paid": return .error(400, message: "Invoice is already paid")
        case "void": return .error(400, message: "You cannot pay a voided invoice.")
        case "draft": return .error(400, code: "invoice_not_editable", message: "You cannot pay a draft invoice; finalize it first.")
        default: break
        }
        let subscriptionID = invoice["parent"]["subscription_details"]["subscription"].string
        if form["paid_out_of_band"] != "true", (invoice["amount_due"].int ?? 0) > 0 {
            let subscriptionDefault = subscriptionID.flatMap { state[$0]?["default_payment_method"].string }
            switch state.chargeOutcome(customer: customer, requested: form["payment_method"], subscriptionDefault: subscriptionDefault) {
            case .succeeded:
                break
            case .noPaymentMethod:
                return .error(400, message: "This customer has no attached payment source or default payment method.")
            case .declined(let method):
                guard let failed = state.recordFailedAttempt(id) else { return Self.declined(method, storable: true) }
                var reply = Self.declined(method, storable: true)
                reply.events = [event(&state, "invoice.payment_failed", failed, call)]
                return reply
            }
        }
        guard let paid = state.payInvoice(objects, id, at: call.now) else { return .missing("invoice", id, param: "invoice", status: 404) }
        var events = [event(&state, "invoice.paid", paid, call), event(&state, "invoice.payment_succeeded", paid, call)]
        if let subscriptionID, var subscription = state[subscriptionID], let status = subscription["status"].string,
            status == "incomplete" || status == "past_due"
        {
            subscription["status"] = "active"
            state.put(subscription)
            events.append(event(&state, "customer.subscription.updated", subscription, call, previous: ["status": .string(status)]))
        }
        return .ok(paid, events: events)
    }

    func void(_ state: inout StripeSandboxState, _ call: StripeCall, invoice id: String) -> StripeReply {
        guard let invoice = state[id], invoice["object"].string == "invoice" else {
            return .missing("invoice", id, param: "invoice", status: 404)
        }
        let status = invoice["status"].string ?? ""
        guard status == "open" || status == "uncollectible", let voided = state.setInvoiceStatus(id, "void", at: call.now) else {
            return .error(
                400, code: "invoice_not_editable", message: "You can only void an open or uncollectible invoice; this one is \(status).")
        }
        return .ok(voided, events: [event(&state, "invoice.voided", voided, call)])
    }

    /// Refunds (part of) the payment intent, or the charge, that paid an invoice.
    func createRefund(_ state: inout StripeSandboxState, _ form: StripeForm, _ call: StripeCall) -> StripeReply {
        let param = form["payment_intent"] != nil ? "payment_intent" : "charge"
        guard let given = form["payment_intent"] ?? form["charge"] else {
            return .error(
                400, code: "parameter_missing",
                message: "One of the following params should be provided for this request: payment_intent or charge.")
        }
        let intentID = given.hasPrefix("ch_") ? "pi_" + given.dropFirst(3) : given
        guard var payment = state.payments[intentID] else { return .missing(param, given, param: param) }
        let remaining = payment.amount - payment.refunded
        var amount = remaining
        if let raw = form["amount"] {
            guard let value = Int64(raw), value > 0 else { return .invalid("amount", "Invalid positive integer: \(raw)") }
            amount = value
        }
        if let reason = form["reason"], !["duplicate", "fraudulent", "requested_by_customer"].contains(reason) {
            return .invalid("reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer")
        }
        let charge = "ch_" + intentID.dropFirst(3)
        guard remaining > 0 else {
            return .error(400, code: "charge_already_refunded", message: "Charge \(charge) has already been refunded.")
        }
        guard amount <= remaining else {
            return .error(
                400, code: "amount_too_large", message: "Refund amount is greater than unrefunded amount on charge (\(remaining)).",
                param: "amount")
        }
        payment.refunded += amount
        state.payments[intentID] = payment
        let refund = objects.refund(
            id: state.newID("re"), amount: amount, currency: payment.currency, paymentIntent: intentID, reason: form["reason"],
            metadata: form.hash("metadata"), at: call.now
        )
        state.put(refund)
        return .ok(refund, events: [event(&state, "refund.created", refund, call)])
    }

    /// Adjusts a customer's balance: a negative amount is a credit the next invoices use up.
    func createBalanceTransaction(_ state: inout StripeSandboxState, _ form: StripeForm, _ call: StripeCall, customer id: String)
        -> StripeReply
    {
        guard state.isLiveCustomer(id), var customer = state[id] else { return .missing("customer", id, param: "id", status: 404) }
        guard let raw = form["amount"] else { return .missingParameter("amount") }
        guard let amount = Int64(raw), amount != 0 else { return .invalid("amount", "Invalid non-zero integer: \(raw)") }
        guard let currency = form["currency"] else { return .missingParameter("currency") }
        if let existing = customer["currency"].string, existing != currency {
            return .invalid("currency", "The currency must match the customer's currency (\(existing)).")
        }
        let previous = customer["balance"].int ?? 0
        customer["balance"] = .int(previous + amount)
        customer["currency"] = .string(currency)
        state.put(customer)
        let transaction = objects.balanceTransaction(
            id: state.newID("cbtxn"), customer: id, amount: amount, currency: currency, description: form["description"],
            endingBalance: previous + amount, metadata: form.hash("metadata"), at: call.now
        )
        state.put(transaction)
        return .ok(transaction, events: [event(&state, "customer.updated", customer, call, previous: ["balance": .int(previous)])])
    }

    /// Stripe's 402 for a declined card.
    static func declined(_ method: String, storable: Bool) -> StripeReply {
        .error(
            402, type: "card_error", code: "card_declined", message: "Your card was declined.",
            extra: ["decline_code": "generic_decline", "payment_method": ["id": .string(method), "object": "payment_method"]],
            storable: storable
        )
    }
}

extension StripeSandboxState {
    /// What charging the customer would do: the requested payment method, else the subscription's default, else the
    /// customer's; a card ending in `0002` declines (Stripe's test card 4000 0000 0000 0002).
    func chargeOutcome(customer: String, requested: String?, subscriptionDefault: String?) -> StripeChargeOutcome {
        guard let method = requested ?? subscriptionDefault ?? self[customer]?["invoice_settings"]["default_payment_method"].string,
            let object = self[method], object["customer"].string == customer
        else { return .noPaymentMethod }
        return object["card"]["last4"].string == "0002" ? .declined(method) : .succeeded
    }

    /// Counts a failed payment attempt on an invoice.
    mutating func recordFailedAttempt(_ id: String) -> JSONValue? {
        guard var invoice = self[id] else { return nil }
        invoice["attempted"] = true
        invoice["attempt_count"] = .int((invoice["attempt_count"].int ?? 0) + 1)
        put(invoice)
        return invoice
    }
}
