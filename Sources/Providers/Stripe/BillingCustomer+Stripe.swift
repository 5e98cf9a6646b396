package import Domain

extension BillingCustomer {
    /// Maps what `GET /v1/customers/{id}` answered.
    ///
    /// - Throws: `.notFound` for a deleted customer (Stripe keeps a `deleted: true` stub), else as
    ///   ``init(stripe:path:)-(StripeCustomer,_)``.
    package init(stripe result: StripeCustomerResult, path: String = "$") throws(ProviderError) {
        switch result {
        case .deleted(let id):
            throw ProviderError(
                .notFound, provider: .stripe, upstreamStatus: 200, upstreamCode: "deleted", detail: "customer \(id) is deleted")
        case .customer(let customer):
            try self.init(stripe: customer, path: path)
        }
    }

    /// Maps a Stripe customer.
    ///
    /// `name` falls back to the e-mail address, then to the id, because Stripe allows a customer without a name.
    /// The balance is mapped only when the customer has a currency (Stripe keeps it in that currency; it is 0 before).
    ///
    /// - Throws: `.invalidPayload` for an e-mail address Atrium does not accept (`$.email`) or an unknown currency.
    package init(stripe customer: StripeCustomer, path: String = "$") throws(ProviderError) {
        let email: EmailAddress? = try customer.email.flatMap { raw throws(ProviderError) in
            raw.isEmpty ? nil : try StripeValue.validated(path + ".email") { () throws(ValidationError) in try EmailAddress(raw) }
        }
        let currency = try customer.currency.map { code throws(ProviderError) in try StripeValue.currency(code, at: path + ".currency") }
        let address = customer.address.map {
            PostalAddress(line1: $0.line1, line2: $0.line2, city: $0.city, state: $0.state, postalCode: $0.postalCode, country: $0.country)
        }
        let name = [customer.name, email?.value].compactMap { $0 }.first { !$0.isEmpty } ?? customer.id
        self.init(
            id: customer.id,
            email: email,
            name: name,
            phone: customer.phone,
            address: address?.isEmpty == false ? address : nil,
            currency: currency,
            balance: currency.map { Money(minorUnits: customer.balance, currency: $0) },
            createdAt: StripeValue.date(customer.created)
        )
    }
}
