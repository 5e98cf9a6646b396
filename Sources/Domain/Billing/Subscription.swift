public import Foundation

public enum BillingInterval: String, Sendable, Hashable, Codable, CaseIterable {
    case oneTime = "one_time"
    case weekly, monthly, quarterly
    case semiAnnually = "semi_annually"
    case annually
    case biennially, triennially
}

public enum SubscriptionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ordered, not yet active (WHMCS Pending, Stripe incomplete).
    case pending
    case trialing
    case active
    /// Payment overdue but still running.
    case pastDue = "past_due"
    case suspended
    case cancelled
    /// Ended for good (WHMCS Terminated, Stripe incomplete_expired).
    case terminated
    case fraud
}

/// A recurring subscription or service (a Stripe subscription, a WHMCS product/service).
public struct Subscription: Sendable, Hashable, Codable, Identifiable {
    public let id: String
    public var customerID: String
    public var productName: String
    public var productID: String?
    public var status: SubscriptionStatus
    public var interval: BillingInterval
    /// What each period costs, when the system states it.
    public var recurringAmount: Money?
    public var quantity: Int
    public var startedAt: Date?
    public var currentPeriodEnd: Date?
    public var nextDueAt: Date?
    public var cancelAtPeriodEnd: Bool
    /// A domain, a phone number or another label the service is known by.
    public var label: String?

    public init(
        id: String, customerID: String, productName: String, productID: String? = nil, status: SubscriptionStatus,
        interval: BillingInterval, recurringAmount: Money?, quantity: Int = 1, startedAt: Date? = nil,
        currentPeriodEnd: Date? = nil, nextDueAt: Date? = nil, cancelAtPeriodEnd: Bool = false, label: String? = nil
    ) {
        self.id = id
        self.customerID = customerID
        self.productName = productName
        self.productID = productID
        self.status = status
        self.interval = interval
        self.recurringAmount = recurringAmount
        self.quantity = quantity
        self.startedAt = startedAt
        self.currentPeriodEnd = currentPeriodEnd
        self.nextDueAt = nextDueAt
        self.cancelAtPeriodEnd = cancelAtPeriodEnd
        self.label = label
    }
}
