public import Hummingbird

/// `GET /dashboard`: billing, CRM and SIM sections read in parallel under one deadline.
///
/// Each section has a `status`: `ok` (its other fields are present), `unavailable` (its system failed or did not
/// answer in time; only `status` is present) or `not_linked` (the account has no link to that system; only
/// `status`). A failed section never fails the page.
public struct DashboardDTO: ResponseCodable, Sendable {
    public let billing: BillingSectionDTO
    public let crm: CRMSectionDTO
    public let sims: SIMSectionDTO
}

/// The billing section of the dashboard.
public struct BillingSectionDTO: Codable, Sendable {
    /// `ok`, `unavailable` or `not_linked`.
    public let status: String
    /// The newest invoices (at most 5).
    public let recentInvoices: [InvoiceDTO]?
    /// What is owed on open and overdue invoices among the latest 20, one entry per currency (usually one);
    /// empty when nothing is due.
    public let amountDue: [MoneyDTO]?
    /// Every subscription or service of the account.
    public let subscriptions: [SubscriptionDTO]?

    enum CodingKeys: String, CodingKey {
        case status, subscriptions
        case recentInvoices = "recent_invoices"
        case amountDue = "amount_due"
    }
}

/// The CRM section of the dashboard.
public struct CRMSectionDTO: Codable, Sendable {
    /// `ok`, `unavailable` or `not_linked`.
    public let status: String
    /// The CRM account.
    public let account: CRMAccountDTO?
    /// Cases not `closed` (counted over the newest 500 at most).
    public let openCases: Int?

    enum CodingKeys: String, CodingKey {
        case status, account
        case openCases = "open_cases"
    }
}

/// The customer's account as the CRM knows it.
public struct CRMAccountDTO: Codable, Sendable, Hashable {
    public let id: String
    public let name: String
    public let email: String?
    public let phone: String?
}

/// The SIM section of the dashboard.
public struct SIMSectionDTO: Codable, Sendable {
    /// `ok`, `unavailable` or `not_linked`.
    public let status: String
    /// Every line of the account with its status.
    public let lines: [SIMLineDTO]?
}
