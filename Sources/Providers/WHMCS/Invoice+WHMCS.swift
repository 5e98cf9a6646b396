import Domain

extension Invoice {
    /// Maps a `GetInvoice` answer; `currency` is the client's (`GetInvoice` does not say it).
    ///
    /// Lines are the invoice items (WHMCS items have no quantity: each is one). `tax` and `tax2` (WHMCS's two
    /// tax levels) become taxes with their rates. The amount paid is the total less the `balance` (payments net
    /// of refunds, so a refunded invoice shows nothing paid); the amount due is the balance while the invoice
    /// is open (Unpaid, Payment Pending, Overdue, Collections) and zero otherwise (a cancelled invoice keeps
    /// its balance in WHMCS but is not owed).
    /// - Throws: `invalidPayload` naming the path of an amount that does not fit the currency.
    init(whmcs raw: WHMCSInvoice, currency: Currency) throws(ProviderError) {
        var lines: [InvoiceLine] = []
        for item in raw.items.items {
            let amount = try item.amount.money(currency)
            lines.append(InvoiceLine(description: item.description, quantity: 1, unitAmount: amount, amount: amount))
        }
        let total = try raw.total.money(currency)
        let balance = try raw.balance.money(currency)
        let taxes = try WHMCSInvoiceTotals.taxes(raw.tax, raw.taxrate, raw.tax2, raw.taxrate2, currency: currency)
        let owes = WHMCSInvoiceTotals.owes(raw.status)
        try self.init(
            whmcsID: raw.invoiceid, invoicenum: raw.invoicenum, userid: raw.userid, status: raw.status, currency: currency,
            lines: lines, taxes: taxes, subtotal: raw.subtotal.money(currency), total: total,
            amountDue: Money(minorUnits: owes ? max(0, balance.minorUnits) : 0, currency: currency),
            amountPaid: Money(minorUnits: max(0, total.minorUnits - balance.minorUnits), currency: currency),
            dates: (raw.date, raw.duedate, raw.datepaid)
        )
    }

    /// Maps a `GetInvoices` entry: no lines, and no balance, so the amounts are derived from the status: an open
    /// invoice owes its total, a paid one has it paid, a refunded or cancelled one neither. Partial payments and
    /// refunds show only on ``init(whmcs:currency:)``.
    ///
    /// - Parameters:
    ///   - raw: The entry.
    ///   - index: Its position, for error paths.
    ///   - fallbackCurrency: The client's currency, for entries without `currencycode` (before WHMCS 7).
    init(whmcs raw: WHMCSInvoiceSummary, index: Int, fallbackCurrency: Currency?) throws(ProviderError) {
        let path = "$.invoices.invoice[\(index)]"
        let currency: Currency
        if let code = raw.currencycode {
            currency = try WHMCSMapping.currency(code, path: "\(path).currencycode")
        } else if let fallbackCurrency {
            currency = fallbackCurrency
        } else {
            throw .invalidPayload(.whmcs, path: "\(path).currencycode", "no currency for the invoice")
        }
        let total = try raw.total.money(currency)
        let zero = Money(minorUnits: 0, currency: currency)
        let due = WHMCSInvoiceTotals.owes(raw.status) ? total : zero
        let paid = raw.status == .paid ? total : zero
        let taxes = try WHMCSInvoiceTotals.taxes(raw.tax, raw.taxrate, raw.tax2, raw.taxrate2, currency: currency)
        try self.init(
            whmcsID: raw.id, invoicenum: raw.invoicenum, userid: raw.userid, status: raw.status, currency: currency,
            lines: [], taxes: taxes, subtotal: raw.subtotal.money(currency), total: total, amountDue: due, amountPaid: paid,
            dates: (raw.date, raw.duedate, raw.datepaid)
        )
    }

    private init(
        whmcsID: WHMCSText, invoicenum: String?, userid: WHMCSText, status: WHMCSInvoiceStatus, currency: Currency,
        lines: [InvoiceLine], taxes: [InvoiceTax], subtotal: Money, total: Money, amountDue: Money, amountPaid: Money,
        dates: (issued: WHMCSDate?, due: WHMCSDate?, paid: WHMCSDate?)
    ) throws(ProviderError) {
        let taxTotal = taxes.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
        do {
            try self.init(
                id: whmcsID.value,
                // WHMCS shows the invoice id as its number unless sequential numbering is on.
                number: WHMCSMapping.nonEmpty(invoicenum) ?? whmcsID.value,
                customerID: userid.value,
                status: InvoiceStatus(whmcs: status),
                currency: currency,
                lines: lines,
                taxes: taxes,
                subtotal: subtotal,
                tax: Money(minorUnits: taxTotal, currency: currency),
                total: total,
                amountPaid: amountPaid,
                amountDue: amountDue,
                issuedAt: dates.issued?.date,
                dueAt: dates.due?.date,
                paidAt: dates.paid?.date
            )
        } catch {
            throw .invalidPayload(.whmcs, path: "$", "inconsistent invoice: \(error.message)")
        }
    }
}

extension InvoiceStatus {
    /// Unpaid and Payment Pending are open; Collections is uncollectible; Cancelled is void.
    init(whmcs status: WHMCSInvoiceStatus) {
        switch status {
        case .draft: self = .draft
        case .unpaid, .paymentPending: self = .open
        case .overdue: self = .overdue
        case .paid: self = .paid
        case .cancelled: self = .void
        case .refunded: self = .refunded
        case .collections: self = .uncollectible
        }
    }
}

enum WHMCSInvoiceTotals {
    /// Whether an invoice in `status` is still owed.
    static func owes(_ status: WHMCSInvoiceStatus) -> Bool {
        switch status {
        case .unpaid, .overdue, .paymentPending, .collections: true
        case .paid, .refunded, .cancelled, .draft: false
        }
    }

    /// WHMCS's two tax levels as taxes; a level with neither a rate nor an amount is left out.
    static func taxes(
        _ tax: WHMCSDecimal, _ rate: WHMCSDecimal?, _ tax2: WHMCSDecimal?, _ rate2: WHMCSDecimal?, currency: Currency
    ) throws(ProviderError) -> [InvoiceTax] {
        var taxes: [InvoiceTax] = []
        for (name, amount, rate) in [("Tax", Optional(tax), rate), ("Tax 2", tax2, rate2)] {
            guard let amount, !(amount.isZero && (rate?.isZero ?? true)) else { continue }
            taxes.append(InvoiceTax(name: name, rateBasisPoints: rate?.basisPoints, amount: try amount.money(currency)))
        }
        return taxes
    }
}
