public import Foundation
public import Hummingbird
import Domain

/// An invoice in a list (`GET /invoices`, the dashboard): totals and dates, no lines.
public struct InvoiceDTO: Codable, Sendable, Hashable {
    public let id: String
    /// The number printed on the invoice, when the billing system gives one.
    public let number: String?
    /// `draft`, `open`, `paid`, `overdue` (unpaid past its due date, derived at the time of the request),
    /// `void`, `uncollectible` or `refunded`.
    public let status: String
    /// ISO 4217 code; every amount of the invoice is in it.
    public let currency: String
    public let subtotal: MoneyDTO
    public let tax: MoneyDTO
    public let total: MoneyDTO
    public let amountPaid: MoneyDTO
    /// What is still owed.
    public let amountDue: MoneyDTO
    public let issuedAt: Date?
    public let dueAt: Date?
    public let paidAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, number, status, currency, subtotal, tax, total
        case amountPaid = "amount_paid"
        case amountDue = "amount_due"
        case issuedAt = "issued_at"
        case dueAt = "due_at"
        case paidAt = "paid_at"
    }

    init(_ invoice: Invoice, now: Date) {
        self.id = invoice.id
        self.number = invoice.number
        self.status = invoice.isOverdue(at: now) ? InvoiceStatus.overdue.rawValue : invoice.status.rawValue
        self.currency = invoice.currency.code
        self.subtotal = MoneyDTO(invoice.subtotal)
        self.tax = MoneyDTO(invoice.tax)
        self.total = MoneyDTO(invoice.total)
        self.amountPaid = MoneyDTO(invoice.amountPaid)
        self.amountDue = MoneyDTO(invoice.amountDue)
        self.issuedAt = invoice.issuedAt
        self.dueAt = invoice.dueAt
        self.paidAt = invoice.paidAt
    }
}

/// `GET /invoices/{id}`: an invoice with its lines and taxes.
public struct InvoiceDetailDTO: ResponseCodable, Sendable {
    /// The invoice's summary fields, as in the list.
    public let invoice: InvoiceDTO
    public let lines: [InvoiceLineDTO]
    /// Taxes as the billing system states them (name, rate, amount); may be empty when taxes are per line.
    public let taxes: [InvoiceTaxDTO]

    public func encode(to encoder: any Encoder) throws {
        // Flat on the wire: the summary's fields plus `lines` and `taxes`.
        try invoice.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lines, forKey: .lines)
        try container.encode(taxes, forKey: .taxes)
    }

    public init(from decoder: any Decoder) throws {
        self.invoice = try InvoiceDTO(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.lines = try container.decode([InvoiceLineDTO].self, forKey: .lines)
        self.taxes = try container.decode([InvoiceTaxDTO].self, forKey: .taxes)
    }

    enum CodingKeys: String, CodingKey { case lines, taxes }

    init(_ invoice: Invoice, now: Date) {
        self.invoice = InvoiceDTO(invoice, now: now)
        self.lines = invoice.lines.map(InvoiceLineDTO.init)
        self.taxes = invoice.taxes.map(InvoiceTaxDTO.init)
    }
}

/// One line of an invoice.
public struct InvoiceLineDTO: Codable, Sendable, Hashable {
    public let description: String
    public let quantity: Int
    /// The price of one unit, when stated.
    public let unitAmount: MoneyDTO?
    /// The line total.
    public let amount: MoneyDTO
    /// The line's tax, when taxes are per line.
    public let taxAmount: MoneyDTO?

    enum CodingKeys: String, CodingKey {
        case description, quantity, amount
        case unitAmount = "unit_amount"
        case taxAmount = "tax_amount"
    }

    init(_ line: InvoiceLine) {
        self.description = line.description
        self.quantity = line.quantity
        self.unitAmount = line.unitAmount.map(MoneyDTO.init)
        self.amount = MoneyDTO(line.amount)
        self.taxAmount = line.taxAmount.map(MoneyDTO.init)
    }
}

/// A tax on an invoice.
public struct InvoiceTaxDTO: Codable, Sendable, Hashable {
    public let name: String
    /// Rate in basis points (21 % is `2100`), when the billing system states one.
    public let rateBasisPoints: Int?
    public let amount: MoneyDTO

    enum CodingKeys: String, CodingKey {
        case name, amount
        case rateBasisPoints = "rate_basis_points"
    }

    init(_ tax: InvoiceTax) {
        self.name = tax.name
        self.rateBasisPoints = tax.rateBasisPoints
        self.amount = MoneyDTO(tax.amount)
    }
}

/// A subscription or service (`GET /subscriptions`, the dashboard).
public struct SubscriptionDTO: Codable, Sendable, Hashable {
    public let id: String
    public let productName: String
    /// `pending`, `trialing`, `active`, `past_due`, `suspended`, `cancelled`, `terminated` or `fraud`.
    public let status: String
    /// `one_time`, `weekly`, `monthly`, `quarterly`, `semi_annually`, `annually`, `biennially` or `triennially`.
    public let interval: String
    /// What each period costs, when the billing system states it.
    public let recurringAmount: MoneyDTO?
    public let quantity: Int
    public let startedAt: Date?
    public let currentPeriodEnd: Date?
    public let nextDueAt: Date?
    /// True when the subscription ends at the end of the current period.
    public let cancelAtPeriodEnd: Bool
    /// A domain, phone number or other label the service is known by.
    public let label: String?

    enum CodingKeys: String, CodingKey {
        case id, status, interval, quantity, label
        case productName = "product_name"
        case recurringAmount = "recurring_amount"
        case startedAt = "started_at"
        case currentPeriodEnd = "current_period_end"
        case nextDueAt = "next_due_at"
        case cancelAtPeriodEnd = "cancel_at_period_end"
    }

    init(_ subscription: Subscription) {
        self.id = subscription.id
        self.productName = subscription.productName
        self.status = subscription.status.rawValue
        self.interval = subscription.interval.rawValue
        self.recurringAmount = subscription.recurringAmount.map(MoneyDTO.init)
        self.quantity = subscription.quantity
        self.startedAt = subscription.startedAt
        self.currentPeriodEnd = subscription.currentPeriodEnd
        self.nextDueAt = subscription.nextDueAt
        self.cancelAtPeriodEnd = subscription.cancelAtPeriodEnd
        self.label = subscription.label
    }
}

/// A stored payment method, masked (`GET /payment-methods`): never more than the last four digits.
public struct PaymentMethodDTO: Codable, Sendable, Hashable {
    public let id: String
    /// `card`, `bank_account`, `wallet` or `other`.
    public let kind: String
    /// `visa`, `mastercard`, a bank or gateway name.
    public let brand: String?
    public let last4: String?
    /// 1…12.
    public let expiryMonth: Int?
    public let expiryYear: Int?
    /// True for the method charged by default.
    public let isDefault: Bool

    enum CodingKeys: String, CodingKey {
        case id, kind, brand, last4
        case expiryMonth = "expiry_month"
        case expiryYear = "expiry_year"
        case isDefault = "is_default"
    }

    init(_ method: PaymentMethod) {
        self.id = method.id
        self.kind = method.kind.rawValue
        self.brand = method.brand
        self.last4 = method.last4
        self.expiryMonth = method.expiryMonth
        self.expiryYear = method.expiryYear
        self.isDefault = method.isDefault
    }
}
