public import Domain

extension StripeBillingProvider {
    /// Creates the order as one subscription with an item per line and `payment_behavior=default_incomplete`: Stripe
    /// creates and finalises the first invoice but does not charge it, so the subscription stays `incomplete`
    /// (pending) until ``activateOrder(id:idempotencyKey:)`` pays it. The caller's key is kept in
    /// `metadata[atrium_key]`.
    public func createOrder(_ request: BillingOrderRequest) async throws(ProviderError) -> BillingOrder {
        var fields: [(String, String)] = [("customer", request.customerID)]
        for (index, line) in request.lines.enumerated() {
            fields += [("items[\(index)][price]", line.productID), ("items[\(index)][quantity]", String(line.quantity.value))]
        }
        fields.append(("payment_behavior", "default_incomplete"))
        if let method = request.paymentMethod { fields.append(("default_payment_method", method)) }
        fields.append(("metadata[atrium_key]", request.idempotencyKey))
        let subscription = try await client.createSubscription(
            fields: fields, idempotencyKey: StripeClient.idempotencyKey(request.idempotencyKey, operation: "subscriptions.create")
        )
        return try BillingOrder(stripe: subscription)
    }

    /// Activates the order by paying its first invoice (finalising it first if it is still a draft); paying the
    /// invoice is what turns an `incomplete` subscription `active` in Stripe. An order already active is returned
    /// as it is, so a replay charges nothing; a declined card is `rejected` (402 `card_declined`).
    ///
    /// - Throws: `.conflict` for a cancelled order or one whose first invoice is void or uncollectible.
    public func activateOrder(id: String, idempotencyKey: String) async throws(ProviderError) -> BillingOrder {
        let subscription = try await client.subscription(id: id, expandLatestInvoice: true)
        let order = try BillingOrder(stripe: subscription)
        switch order.status {
        case .active: return order
        case .cancelled, .fraud:
            throw conflict("subscription \(id) is \(subscription.status) and cannot be activated", code: subscription.status)
        case .pending: break
        }
        guard let invoiceID = subscription.latestInvoiceID else { throw conflict("subscription \(id) has no invoice to pay", code: nil) }
        var status = subscription.latestInvoice?.expanded?.status
        if status == nil { status = try await client.invoice(id: invoiceID).status }
        if status == "draft" {
            let key = StripeClient.idempotencyKey(idempotencyKey, operation: "invoices.finalize")
            status = try await client.finalizeInvoice(id: invoiceID, idempotencyKey: key).status
        }
        switch status {
        case "open":
            do {
                _ = try await client.payInvoice(
                    id: invoiceID, idempotencyKey: StripeClient.idempotencyKey(idempotencyKey, operation: "invoices.pay"))
            } catch where error.code == .rejected {
                // Paid meanwhile by another attempt (Stripe refuses to pay a paid invoice): the state decides.
                let current = try BillingOrder(stripe: try await client.subscription(id: id))
                if current.status == .active { return current }
                throw error
            }
        case "paid":
            break
        default:
            throw conflict("the first invoice of subscription \(id) is \(status ?? "unknown")", code: status)
        }
        return try BillingOrder(stripe: try await client.subscription(id: id))
    }

    /// Cancels the subscription at once (`DELETE /v1/subscriptions/{id}`) and voids its first invoice when that is
    /// still open, so a cancelled order leaves nothing owed. A subscription Stripe already cancelled is returned as
    /// cancelled, so the compensation can be replayed.
    public func cancelOrder(id: String, idempotencyKey: String) async throws(ProviderError) -> BillingOrder {
        let subscription: StripeSubscription
        do {
            subscription = try await client.cancelSubscription(id: id)
        } catch where error.code == .rejected {
            let current = try await client.subscription(id: id, expandLatestInvoice: true)
            guard current.status == "canceled" || current.status == "incomplete_expired" else { throw error }
            subscription = current
        }
        if let invoice = subscription.latestInvoice?.expanded, invoice.status == "open", invoice.billingReason == "subscription_create" {
            _ = try await client.voidInvoice(
                id: invoice.id, idempotencyKey: StripeClient.idempotencyKey(idempotencyKey, operation: "invoices.void"))
        }
        return try BillingOrder(stripe: subscription)
    }

    /// Refunds a paid invoice through its payment (`POST /v1/refunds` with the payment intent, or the charge, of its
    /// paid invoice payment; `reason=requested_by_customer`, the free-text reason in `metadata[atrium_reason]`), or,
    /// without an invoice, credits the customer's balance (a negative customer balance transaction).
    ///
    /// - Throws: `.notFound` when the invoice is not the customer's, `.rejected` when it has no paid payment or the
    ///   amount is in another currency, and Stripe's own refusals (an amount above what is left) as `.rejected`.
    public func refund(_ request: RefundRequest) async throws(ProviderError) -> Refund {
        let keyed = [("metadata[atrium_key]", request.idempotencyKey)] + (request.reason.map { [("metadata[atrium_reason]", $0)] } ?? [])
        guard let invoiceID = request.invoiceID else {
            let fields =
                [
                    ("amount", String(-request.amount.minorUnits)),
                    ("currency", request.amount.currency.code.lowercased()),
                    ("description", request.reason ?? "Atrium credit"),
                ] + keyed
            let key = StripeClient.idempotencyKey(request.idempotencyKey, operation: "customers.balance_transactions.create")
            return try Refund(
                stripeCredit: try await client.createBalanceTransaction(customerID: request.customerID, fields: fields, idempotencyKey: key)
            )
        }
        let invoice = try await client.invoice(id: invoiceID)
        guard invoice.customer?.id == request.customerID else {
            throw ProviderError(.notFound, provider: .stripe, detail: "invoice \(invoiceID) is not the customer's")
        }
        let payments = try await client.invoicePayments(invoiceID: invoiceID).data.filter { $0.status == "paid" }
        guard let payment = payments.first(where: \.isDefault) ?? payments.first else {
            throw ProviderError(.rejected, provider: .stripe, detail: "invoice \(invoiceID) has no paid payment to refund")
        }
        guard try StripeValue.currency(payment.currency, at: "$.data[0].currency") == request.amount.currency else {
            throw ProviderError(.rejected, provider: .stripe, detail: "refund currency differs from the payment's")
        }
        var fields: [(String, String)]
        if let intent = payment.payment.paymentIntent {
            fields = [("payment_intent", intent.id)]
        } else if let charge = payment.payment.charge {
            fields = [("charge", charge.id)]
        } else {
            throw StripeValue.invalid("$.data[0].payment", "a paid invoice payment without a payment intent or charge")
        }
        fields += [("amount", String(request.amount.minorUnits)), ("reason", "requested_by_customer")] + keyed
        let key = StripeClient.idempotencyKey(request.idempotencyKey, operation: "refunds.create")
        return try Refund(stripe: try await client.createRefund(fields: fields, idempotencyKey: key))
    }

    private func conflict(_ detail: String, code: String?) -> ProviderError {
        ProviderError(.conflict, provider: .stripe, upstreamCode: code, detail: detail)
    }
}
