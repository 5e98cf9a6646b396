public import Foundation

public enum InvoiceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case draft
    /// Issued and waiting for payment.
    case open
    case paid
    /// Issued, unpaid and past its due date (WHMCS says so; for Stripe the BFF can derive it with a `now`).
    case overdue
    /// Cancelled or voided: nothing is owed.
    case void
    /// Written off as uncollectible.
    case uncollectible
    case refunded
}

/// One line of an invoice. `amount` is the line total; taxes may be per line or on the invoice.
public struct InvoiceLine: Sendable, Hashable, Codable {
    public var description: String
    public var quantity: Int
    public var unitAmount: Money?
    public var amount: Money
    public var taxAmount: Money?

    public init(description: String, quantity: Int, unitAmount: Money? = nil, amount: Money, taxAmount: Money? = nil) {
        self.description = description
        self.quantity = quantity
        self.unitAmount = unitAmount
        self.amount = amount
        self.taxAmount = taxAmount
    }
}

/// A tax on an invoice: a name and rate as the billing system states them, and the amount.
public struct InvoiceTax: Sendable, Hashable, Codable {
    public var name: String
    /// Rate in basis points (21 % = 2100), when the system states one.
    public var rateBasisPoints: Int?
    public var amount: Money

    public init(name: String, rateBasisPoints: Int? = nil, amount: Money) {
        self.name = name
        self.rateBasisPoints = rateBasisPoints
        self.amount = amount
    }
}

/// An invoice of a billing system, mapped once; all amounts are in ``currency``.
public struct Invoice: Sendable, Hashable, Codable, Identifiable {
    public let id: String
    public var number: String?
    /// The billing system's customer id.
    public var customerID: String
    public var status: InvoiceStatus
    public var currency: Currency
    public var lines: [InvoiceLine]
    public var taxes: [InvoiceTax]
    public var subtotal: Money
    public var tax: Money
    public var total: Money
    public var amountPaid: Money
    public var amountDue: Money
    public var issuedAt: Date?
    public var dueAt: Date?
    public var paidAt: Date?

    /// - Throws: `ValidationError.currencyMismatch` when any amount is in another currency than `currency`.
    public init(
        id: String, number: String?, customerID: String, status: InvoiceStatus, currency: Currency,
        lines: [InvoiceLine], taxes: [InvoiceTax] = [], subtotal: Money, tax: Money, total: Money,
        amountPaid: Money, amountDue: Money, issuedAt: Date?, dueAt: Date?, paidAt: Date?
    ) throws(ValidationError) {
        let amounts = [subtotal, tax, total, amountPaid, amountDue] + taxes.map(\.amount)
            + lines.flatMap { [$0.amount] + [$0.unitAmount, $0.taxAmount].compactMap { $0 } }
        if let stray = amounts.first(where: { $0.currency != currency }) {
            throw ValidationError(.currencyMismatch, field: "invoice", "an amount in \(stray.currency) on a \(currency) invoice")
        }
        self.id = id
        self.number = number
        self.customerID = customerID
        self.status = status
        self.currency = currency
        self.lines = lines
        self.taxes = taxes
        self.subtotal = subtotal
        self.tax = tax
        self.total = total
        self.amountPaid = amountPaid
        self.amountDue = amountDue
        self.issuedAt = issuedAt
        self.dueAt = dueAt
        self.paidAt = paidAt
    }

    /// Whether the invoice is unpaid past its due date at `now` (Domain never reads the clock itself).
    public func isOverdue(at now: Date) -> Bool {
        guard status == .open || status == .overdue, let dueAt else { return status == .overdue }
        return dueAt < now && amountDue.minorUnits > 0
    }
}
