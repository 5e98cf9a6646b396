package import Domain

extension Subscription {
    /// Maps a Stripe subscription.
    ///
    /// - The product name is each item's product name from `products` (fetched with `GET /v1/products?ids[]=`),
    ///   else the price's nickname, else the product id; several items are joined with ", ".
    /// - `productID`, `quantity` and the period are the first item's; `recurringAmount` is the sum of every item's
    ///   `unit_amount × quantity` (`nil` when an item has no unit amount, as tiered prices do).
    /// - `nextDueAt` is the period end while the subscription runs and is not set to end there.
    ///
    /// - Parameters:
    ///   - subscription: The subscription as Stripe sent it.
    ///   - products: Products by id, for names.
    ///   - path: The JSON path of `subscription` in its response.
    /// - Throws: `.invalidPayload` for an unknown status, no items, an item without a recurring price, an interval
    ///   Atrium cannot name, or an item priced in another currency.
    package init(stripe subscription: StripeSubscription, products: [String: StripeProduct] = [:], path: String = "$") throws(ProviderError)
    {
        let currency = try StripeValue.currency(subscription.currency, at: path + ".currency")
        let status = try Self.status(subscription.status, at: path + ".status")
        let items = subscription.items.data
        guard let first = items.first else { throw StripeValue.invalid(path + ".items.data", "no items") }
        let firstPath = path + ".items.data[0].price.recurring"
        guard let recurring = first.price.recurring else { throw StripeValue.invalid(firstPath, "not a recurring price") }
        let interval = try StripeValue.interval(recurring.interval, count: recurring.intervalCount, at: firstPath)
        var perPeriod: [Int64] = []
        var names: [String] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path).items.data[\(index)]"
            let price = item.price
            guard try StripeValue.currency(price.currency, at: itemPath + ".price.currency") == currency else {
                throw StripeValue.invalid(itemPath + ".price.currency", "item currency differs from the subscription's")
            }
            if let unit = price.unitAmount {
                let (amount, overflow) = unit.multipliedReportingOverflow(by: Int64(item.quantity ?? 1))
                if overflow { throw StripeValue.invalid(itemPath + ".price.unit_amount", "amount overflows") }
                perPeriod.append(amount)
            }
            names.append(products[price.productID]?.name ?? price.product.expanded?.name ?? price.nickname ?? price.productID)
        }
        let recurringAmount: Money? =
            perPeriod.count == items.count
            ? Money(minorUnits: try StripeValue.sum(perPeriod, at: path + ".items.data"), currency: currency)
            : nil
        let periodEnd = StripeValue.date(first.currentPeriodEnd ?? subscription.currentPeriodEnd)
        let running: Set<SubscriptionStatus> = [.active, .trialing, .pastDue]
        self.init(
            id: subscription.id,
            customerID: subscription.customer.id,
            productName: names.joined(separator: ", "),
            productID: first.price.productID,
            status: status,
            interval: interval,
            recurringAmount: recurringAmount,
            quantity: first.quantity ?? 1,
            startedAt: StripeValue.date(subscription.startDate ?? subscription.created),
            currentPeriodEnd: periodEnd,
            nextDueAt: running.contains(status) && !subscription.cancelAtPeriodEnd ? periodEnd : nil,
            cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
            label: subscription.description
        )
    }

    /// Stripe's subscription statuses: `incomplete` is pending (first invoice unpaid), `incomplete_expired` is
    /// terminated, `unpaid` and `paused` are suspended (invoices no longer paid or collection paused).
    static func status(_ raw: String, at path: String) throws(ProviderError) -> SubscriptionStatus {
        switch raw {
        case "incomplete": .pending
        case "incomplete_expired": .terminated
        case "trialing": .trialing
        case "active": .active
        case "past_due": .pastDue
        case "canceled": .cancelled
        case "unpaid", "paused": .suspended
        default: throw StripeValue.invalid(path, "unknown subscription status")
        }
    }
}

extension BillingOrder {
    /// An order as Stripe holds it: the subscription created for it (its id is the order id) and its first invoice.
    ///
    /// `incomplete` (first invoice unpaid) is pending; `active`, `trialing`, `past_due`, `unpaid` and `paused` are
    /// active (the order was accepted); `canceled` and `incomplete_expired` are cancelled.
    ///
    /// - Throws: `.invalidPayload` for an unknown status.
    package init(stripe subscription: StripeSubscription, path: String = "$") throws(ProviderError) {
        let status: BillingOrder.Status
        switch subscription.status {
        case "incomplete": status = .pending
        case "active", "trialing", "past_due", "unpaid", "paused": status = .active
        case "canceled", "incomplete_expired": status = .cancelled
        default: throw StripeValue.invalid(path + ".status", "unknown subscription status")
        }
        self.init(id: subscription.id, status: status, invoiceID: subscription.latestInvoiceID, subscriptionIDs: [subscription.id])
    }
}
