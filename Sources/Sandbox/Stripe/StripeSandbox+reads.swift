import Foundation

/// The read routes: retrieve one object, or list with Stripe's filters and paging.
extension StripeSandbox {
    func paymentMethods(_ state: StripeSandboxState, _ form: StripeForm, customer: String) -> StripeReply {
        guard state.isLiveCustomer(customer) else { return .missing("customer", customer, param: "customer", status: 404) }
        let type = form["type"]
        let methods = state.list("payment_method") { $0["customer"].string == customer && (type == nil || $0["type"].string == type) }
        return state.page(methods, form: form, url: "/v1/customers/\(customer)/payment_methods", object: "payment_method")
    }

    func invoices(_ state: StripeSandboxState, _ form: StripeForm) -> StripeReply {
        if let customer = form["customer"], !state.isLiveCustomer(customer) { return .missing("customer", customer, param: "customer") }
        let (customer, subscription, status) = (form["customer"], form["subscription"], form["status"])
        if let status, !["draft", "open", "paid", "uncollectible", "void"].contains(status) {
            return .invalid("status", "Invalid status: must be one of draft, open, paid, uncollectible, or void")
        }
        let invoices = state.list("invoice") { invoice in
            (customer == nil || invoice["customer"].string == customer)
                && (subscription == nil || invoice["parent"]["subscription_details"]["subscription"].string == subscription)
                && (status == nil || invoice["status"].string == status)
        }
        return state.page(invoices, form: form, url: "/v1/invoices", object: "invoice")
    }

    func lines(_ state: StripeSandboxState, _ form: StripeForm, invoice: String) -> StripeReply {
        guard state[invoice]?["object"].string == "invoice" else { return .missing("invoice", invoice, param: "invoice", status: 404) }
        return state.page(state.lines(of: invoice), form: form, url: "/v1/invoices/\(invoice)/lines", object: "line_item")
    }

    func invoicePayments(_ state: StripeSandboxState, _ form: StripeForm) -> StripeReply {
        let (invoice, status) = (form["invoice"], form["status"])
        if let invoice, state[invoice]?["object"].string != "invoice" { return .missing("invoice", invoice, param: "invoice") }
        let payments = state.list("invoice_payment") { payment in
            (invoice == nil || payment["invoice"].string == invoice) && (status == nil || payment["status"].string == status)
        }
        return state.page(payments, form: form, url: "/v1/invoice_payments", object: "invoice_payment")
    }

    /// Without `status` Stripe lists every subscription that is not cancelled; `status=all` lists all of them.
    func subscriptions(_ state: StripeSandboxState, _ form: StripeForm) -> StripeReply {
        if let customer = form["customer"], !state.isLiveCustomer(customer) { return .missing("customer", customer, param: "customer") }
        let (customer, status, price) = (form["customer"], form["status"], form["price"])
        let known = ["active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid"]
        if let status, !known.contains(status) { return .invalid("status", "Invalid status: \(status)") }
        let subscriptions = state.list("subscription") { subscription in
            let current = subscription["status"].string ?? ""
            let statusMatches: Bool
            switch status {
            case nil: statusMatches = current != "canceled"
            case "all": statusMatches = true
            case "ended": statusMatches = current == "canceled" || current == "incomplete_expired"
            case let wanted?: statusMatches = current == wanted
            }
            let prices = (subscription["items"]["data"].array ?? []).map { $0["price"]["id"].string }
            return statusMatches && (customer == nil || subscription["customer"].string == customer)
                && (price == nil || prices.contains(price))
        }
        return state.page(subscriptions, form: form, url: "/v1/subscriptions", object: "subscription")
    }

    func products(_ state: StripeSandboxState, _ form: StripeForm) -> StripeReply {
        let ids = form.array("ids")
        let active = form["active"]
        let products = state.list("product") { product in
            (ids.isEmpty || ids.contains(product["id"].string ?? ""))
                && (active == nil || product["active"].bool.map(String.init) == active)
        }
        return state.page(products, form: form, url: "/v1/products", object: "product")
    }

    func prices(_ state: StripeSandboxState, _ form: StripeForm) -> StripeReply {
        let (product, active, type) = (form["product"], form["active"], form["type"])
        let prices = state.list("price") { price in
            (product == nil || price["product"].string == product) && (type == nil || price["type"].string == type)
                && (active == nil || price["active"].bool.map(String.init) == active)
        }
        return state.page(prices, form: form, url: "/v1/prices", object: "price")
    }
}

extension StripeSandboxState {
    /// The object `id` if it is a `type`; else Stripe's 404 `resource_missing`.
    func retrieve(_ type: String, _ id: String) -> StripeReply {
        guard let object = self[id], object["object"].string == type else { return .missing(type, id, param: "id", status: 404) }
        return .ok(object)
    }

    /// Whether `id` is a customer that was not deleted.
    func isLiveCustomer(_ id: String) -> Bool {
        guard let customer = self[id] else { return false }
        return customer["object"].string == "customer" && customer["deleted"].bool != true
    }
}
