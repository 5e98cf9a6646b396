package import Domain

extension Invoice {
    /// Maps a Stripe invoice.
    ///
    /// - `tax` is the sum of `total_taxes` (or `total - total_excluding_tax` when Stripe sends no breakdown).
    /// - `issuedAt` is `effective_at`, else `status_transitions.finalized_at`, else `created` (drafts).
    /// - Each tax is named by its expanded tax rate's `display_name` (with its percentage in basis points), else by
    ///   the tax rate id.
    ///
    /// - Parameters:
    ///   - invoice: The invoice as Stripe sent it.
    ///   - moreLines: Lines fetched from `/v1/invoices/{id}/lines` when `lines.has_more` was true, already mapped.
    ///   - path: The JSON path of `invoice` in its response.
    /// - Throws: `.invalidPayload` for an unknown or missing status, a missing customer, an unknown currency,
    ///   amounts in another currency or overflowing sums.
    package init(stripe invoice: StripeInvoice, moreLines: [InvoiceLine] = [], path: String = "$") throws(ProviderError) {
        let currency = try StripeValue.currency(invoice.currency, at: path + ".currency")
        guard let customerID = invoice.customer?.id else { throw StripeValue.invalid(path + ".customer", "no customer") }
        let status = try Self.status(invoice.status, at: path + ".status")
        var lines: [InvoiceLine] = []
        for (index, line) in invoice.lines.data.enumerated() {
            lines.append(try InvoiceLine(stripe: line, currency: currency, path: "\(path).lines.data[\(index)]"))
        }
        let taxes = (invoice.totalTaxes ?? []).map { InvoiceTax(stripe: $0, currency: currency) }
        let taxTotal: Int64
        if let totalTaxes = invoice.totalTaxes {
            taxTotal = try StripeValue.sum(totalTaxes.map(\.amount), at: path + ".total_taxes")
        } else if let excluding = invoice.totalExcludingTax {
            let (difference, overflow) = invoice.total.subtractingReportingOverflow(excluding)
            if overflow { throw StripeValue.invalid(path + ".total_excluding_tax", "amounts overflow") }
            taxTotal = difference
        } else {
            taxTotal = 0
        }
        let money = { (minorUnits: Int64) in Money(minorUnits: minorUnits, currency: currency) }
        let transitions = invoice.statusTransitions
        self = try StripeValue.validated(path) { () throws(ValidationError) in
            try Invoice(
                id: invoice.id,
                number: invoice.number,
                customerID: customerID,
                status: status,
                currency: currency,
                lines: lines + moreLines,
                taxes: taxes,
                subtotal: money(invoice.subtotal),
                tax: money(taxTotal),
                total: money(invoice.total),
                amountPaid: money(invoice.amountPaid),
                amountDue: money(invoice.amountDue),
                issuedAt: StripeValue.date(invoice.effectiveAt ?? transitions?.finalizedAt ?? invoice.created),
                dueAt: StripeValue.date(invoice.dueDate),
                paidAt: StripeValue.date(transitions?.paidAt)
            )
        }
    }

    static func status(_ raw: String?, at path: String) throws(ProviderError) -> InvoiceStatus {
        switch raw {
        case "draft": .draft
        case "open": .open
        case "paid": .paid
        case "void": .void
        case "uncollectible": .uncollectible
        case nil: throw StripeValue.invalid(path, "no status")
        default: throw StripeValue.invalid(path, "unknown invoice status")
        }
    }
}

extension InvoiceLine {
    /// Maps an invoice line. A missing `quantity` counts as 1 and a missing description as empty; the unit amount
    /// comes from `pricing.unit_amount_decimal` and is left out when it has a fraction of a minor unit.
    ///
    /// - Throws: `.invalidPayload` for a line in another currency than the invoice, or a malformed decimal.
    package init(stripe line: StripeInvoiceLineItem, currency: Currency, path: String) throws(ProviderError) {
        let lineCurrency = try StripeValue.currency(line.currency, at: path + ".currency")
        guard lineCurrency == currency else { throw StripeValue.invalid(path + ".currency", "line currency differs from the invoice's") }
        let unit = try line.pricing?.unitAmountDecimal.flatMap { text throws(ProviderError) in
            try StripeValue.minorUnits(decimal: text, at: path + ".pricing.unit_amount_decimal")
        }
        let tax: Int64? = try line.taxes.flatMap { taxes throws(ProviderError) in
            taxes.isEmpty ? nil : try StripeValue.sum(taxes.map(\.amount), at: path + ".taxes")
        }
        self.init(
            description: line.description ?? "",
            quantity: line.quantity ?? 1,
            unitAmount: unit.map { Money(minorUnits: $0, currency: currency) },
            amount: Money(minorUnits: line.amount, currency: currency),
            taxAmount: tax.map { Money(minorUnits: $0, currency: currency) }
        )
    }

    /// Maps a pending invoice item (it becomes a line of the customer's next invoice).
    package init(stripe item: StripeInvoiceItem, path: String = "$") throws(ProviderError) {
        let currency = try StripeValue.currency(item.currency, at: path + ".currency")
        let unit = try item.pricing?.unitAmountDecimal.flatMap { text throws(ProviderError) in
            try StripeValue.minorUnits(decimal: text, at: path + ".pricing.unit_amount_decimal")
        }
        self.init(
            description: item.description ?? "",
            quantity: item.quantity,
            unitAmount: unit.map { Money(minorUnits: $0, currency: currency) },
            amount: Money(minorUnits: item.amount, currency: currency)
        )
    }
}

extension InvoiceTax {
    /// A tax of `total_taxes`: named by the expanded tax rate, else by its id, else by its type.
    init(stripe tax: StripeTaxAmount, currency: Currency) {
        let amount = Money(minorUnits: tax.amount, currency: currency)
        switch tax.taxRateDetails?.taxRate {
        case .object(let rate):
            self.init(name: rate.displayName, rateBasisPoints: StripeValue.basisPoints(rate.percentage), amount: amount)
        case .id(let id):
            self.init(name: id, amount: amount)
        case nil:
            self.init(name: tax.type ?? "tax", amount: amount)
        }
    }
}
