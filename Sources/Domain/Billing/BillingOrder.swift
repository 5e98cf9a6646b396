/// What Atrium asks a billing system to create for an order: a customer and the billable lines.
public struct BillingOrderRequest: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        /// The billing system's product or price id.
        public var productID: String
        public var quantity: Quantity
        public var interval: BillingInterval?

        public init(productID: String, quantity: Quantity, interval: BillingInterval? = nil) {
            self.productID = productID
            self.quantity = quantity
            self.interval = interval
        }
    }

    public var customerID: String
    public var lines: [Line]
    /// The billing system's payment method id or gateway name.
    public var paymentMethod: String?
    /// Derived from the order id and the saga step: the same key always means the same order.
    public var idempotencyKey: String

    public init(customerID: String, lines: [Line], paymentMethod: String? = nil, idempotencyKey: String) throws(ValidationError) {
        guard !lines.isEmpty else { throw ValidationError(.required, field: "lines", "at least one line") }
        guard !idempotencyKey.isEmpty else { throw ValidationError(.required, field: "idempotency_key", "required") }
        self.customerID = customerID
        self.lines = lines
        self.paymentMethod = paymentMethod
        self.idempotencyKey = idempotencyKey
    }
}

/// An order as the billing system holds it after creation.
public struct BillingOrder: Sendable, Hashable, Codable, Identifiable {
    public enum Status: String, Sendable, Hashable, Codable {
        case pending, active, cancelled, fraud
    }

    public let id: String
    public var status: Status
    public var invoiceID: String?
    /// The services/subscriptions the order created.
    public var subscriptionIDs: [String]

    public init(id: String, status: Status, invoiceID: String? = nil, subscriptionIDs: [String] = []) {
        self.id = id
        self.status = status
        self.invoiceID = invoiceID
        self.subscriptionIDs = subscriptionIDs
    }
}

/// A refund or account credit.
public struct Refund: Sendable, Hashable, Codable, Identifiable {
    public enum Status: String, Sendable, Hashable, Codable { case pending, succeeded, failed, cancelled }

    public let id: String
    public var amount: Money
    public var status: Status

    public init(id: String, amount: Money, status: Status) {
        self.id = id
        self.amount = amount
        self.status = status
    }
}

/// A refund (of a payment) or a credit (to the account) to grant.
public struct RefundRequest: Sendable, Hashable, Codable {
    public var customerID: String
    /// The invoice or payment refunded; `nil` credits the account.
    public var invoiceID: String?
    public var amount: Money
    public var reason: String?
    public var idempotencyKey: String

    public init(customerID: String, invoiceID: String?, amount: Money, reason: String? = nil, idempotencyKey: String) throws(ValidationError) {
        guard amount.minorUnits > 0 else { throw ValidationError(.outOfRange, field: "amount", "must be positive") }
        self.customerID = customerID
        self.invoiceID = invoiceID
        self.amount = amount
        self.reason = reason
        self.idempotencyKey = idempotencyKey
    }
}
