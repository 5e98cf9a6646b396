import Foundation

/// `POST /v1/subscriptions` and `DELETE /v1/subscriptions/{id}`.
extension StripeSandbox {
    /// Creates a subscription and its first invoice (finalised). With `payment_behavior=default_incomplete` the
    /// invoice stays open and the subscription `incomplete`; otherwise the default payment method is charged at
    /// once (`error_if_incomplete` refuses the whole request when the card declines).
    func createSubscription(_ state: inout StripeSandboxState, _ form: StripeForm, _ call: StripeCall) -> StripeReply {
        guard let customerID = form["customer"] else { return .missingParameter("customer") }
        guard state.isLiveCustomer(customerID), let customer = state[customerID] else {
            return .missing("customer", customerID, param: "customer")
        }
        let requested = form.hashes("items")
        guard !requested.isEmpty else { return .missingParameter("items") }
        var items: [(String, JSONValue, Int64)] = []
        for (index, item) in requested.enumerated() {
            let param = "items[\(index)][price]"
            guard let priceID = item["price"] else { return .missingParameter(param) }
            guard let price = state[priceID], price["object"].string == "price", price["active"].bool != false else {
                return .missing("price", priceID, param: param)
            }
            guard price["type"].string == "recurring" else {
                return .invalid(
                    param, "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.")
            }
            var quantity: Int64 = 1
            if let raw = item["quantity"] {
                guard let value = Int64(raw), value >= 0 else { return .invalid("items[\(index)][quantity]", "Invalid integer: \(raw)") }
                quantity = value
            }
            items.append((state.newID("si"), price, quantity))
        }
        let currency = items[0].1["currency"]
        guard items.allSatisfy({ $0.1["currency"] == currency }) else {
            return .invalid("items", "All prices on a subscription must have the same `currency`.")
        }
        if let existing = customer["currency"].string, existing != currency.string {
            return .invalid(
                "currency",
                "You cannot combine currencies on a single customer. "
                    + "This customer has had a subscription or invoice in currency \(existing)."
            )
        }
        let behavior = form["payment_behavior"] ?? "allow_incomplete"
        guard ["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"].contains(behavior) else {
            return .invalid("payment_behavior", "Invalid payment_behavior: \(behavior)")
        }
        let method = form["default_payment_method"]
        if let method, state[method]?["customer"].string != customerID {
            return .missing("payment_method", method, param: "default_payment_method")
        }
        var taxRates: [JSONValue] = []
        for (index, id) in form.array("default_tax_rates").enumerated() {
            guard let rate = state[id], rate["object"].string == "tax_rate" else {
                return .missing("tax_rate", id, param: "default_tax_rates[\(index)]")
            }
            taxRates.append(rate)
        }
        let charge =
            behavior == "default_incomplete" ? nil : state.chargeOutcome(customer: customerID, requested: nil, subscriptionDefault: method)
        if behavior == "error_if_incomplete", case .declined(let declined)? = charge {
            return Self.declined(declined, storable: true)
        }
        let subscriptionID = state.newID("sub")
        let interval = (items[0].1["recurring"]["interval"].string ?? "month", Int(items[0].1["recurring"]["interval_count"].int ?? 1))
        let end = Self.periodEnd(call.now, interval: interval)
        let specs = items.map { itemID, price, quantity in
            let name = state[price["product"].string ?? ""]?["name"].string ?? ""
            return StripeObjects.LineSpec(
                price: price, quantity: quantity, description: "\(quantity) × \(name) (per \(interval.0))", subscription: subscriptionID,
                subscriptionItem: itemID, taxRate: taxRates.first
            )
        }
        guard
            let draft = state.createInvoice(
                objects, customerID: customerID, subscription: subscriptionID, billingReason: "subscription_create", lines: specs,
                created: call.now, period: (call.now, end)
            ), let invoiceID = draft["id"].string, let invoice = state.finalizeInvoice(invoiceID, at: call.now)
        else {
            return .error(500, type: "api_error", message: "An unknown error occurred")
        }
        var subscription = objects.subscription(
            id: subscriptionID, customer: customerID, items: items, status: "incomplete", created: call.now, period: (call.now, end),
            latestInvoice: invoiceID, taxRates: taxRates, defaultPaymentMethod: method, metadata: form.hash("metadata")
        )
        if customer["currency"].isNull, var updated = state[customerID] {
            updated["currency"] = currency
            state.put(updated)
        }
        var events = [event(&state, "invoice.created", draft, call), event(&state, "invoice.finalized", invoice, call)]
        if (invoice["amount_due"].int ?? 0) == 0 || charge == .succeeded {
            if let paid = state.payInvoice(objects, invoiceID, at: call.now) {
                events += [event(&state, "invoice.paid", paid, call), event(&state, "invoice.payment_succeeded", paid, call)]
            }
            subscription["status"] = "active"
        } else if case .declined? = charge, let failed = state.recordFailedAttempt(invoiceID) {
            events.append(event(&state, "invoice.payment_failed", failed, call))
        }
        state.put(subscription)
        events.insert(event(&state, "customer.subscription.created", subscription, call), at: 0)
        return .ok(subscription, events: events)
    }

    /// Cancels at once. A subscription already cancelled is answered as it is (no second event), so a replayed
    /// cancellation succeeds.
    func cancel(_ state: inout StripeSandboxState, _ call: StripeCall, subscription id: String) -> StripeReply {
        guard var subscription = state[id], subscription["object"].string == "subscription" else {
            return .missing("subscription", id, param: "id", status: 404)
        }
        let status = subscription["status"].string ?? ""
        if status == "canceled" || status == "incomplete_expired" { return .ok(subscription) }
        subscription["status"] = "canceled"
        subscription["canceled_at"] = .int(call.now)
        subscription["ended_at"] = .int(call.now)
        subscription["cancellation_details"]["reason"] = "cancellation_requested"
        state.put(subscription)
        let event = event(&state, "customer.subscription.deleted", subscription, call, previous: ["status": .string(status)])
        return .ok(subscription, events: [event])
    }

    /// The end of a billing period that starts at `start`.
    static func periodEnd(_ start: Int64, interval: (String, Int)) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let component: Calendar.Component
        var count = interval.1
        switch interval.0 {
        case "day": component = .day
        case "week":
            component = .day
            count *= 7
        case "year": component = .year
        default: component = .month
        }
        let date = Date(timeIntervalSince1970: TimeInterval(start))
        return Int64((calendar.date(byAdding: component, value: count, to: date) ?? date).timeIntervalSince1970)
    }

    /// A new event about `object`, built from the fixture's event.
    func event(_ state: inout StripeSandboxState, _ type: String, _ object: JSONValue, _ call: StripeCall, previous: JSONValue? = nil)
        -> JSONValue
    {
        objects.event(
            id: state.newID("evt"), type: type, object: object, previous: previous, at: call.now, requestID: call.requestID,
            idempotencyKey: call.idempotencyKey
        )
    }
}
