import Foundation

/// What a WHMCS sandbox holds, as WHMCS's tables do; amounts in cents (both seeded currencies have two decimals).
struct WHMCSSandboxState: Sendable {
    struct Client: Sendable {
        var id: Int
        var firstname: String
        var lastname: String
        var companyname: String
        var email: String
        var address1: String
        var city: String
        var state: String
        var postcode: String
        var countrycode: String
        var phonecc: String
        var phonenumber: String
        var currencyCode: String
        var creditCents: Int64
        var defaultgateway: String
        var status: String
        var datecreated: String
        /// Percent with three decimals, e.g. 10000 = 10.000 %; WHMCS applies it to taxed items.
        var taxRateThousandths: Int64

        var fullname: String { "\(firstname) \(lastname)" }
    }

    struct Product: Sendable {
        var pid: Int
        var gid: Int
        var groupname: String
        var type: String
        var name: String
        var slug: String
        var description: String
        var module: String
        var paytype: String
        /// currency code → cycle (`monthly`, …) → cents; a cycle left out is `-1.00` (not offered).
        var prices: [String: [String: Int64]]
    }

    struct Gateway: Sendable {
        var module: String
        var displayname: String
    }

    struct InvoiceItem: Sendable {
        var id: Int
        var type: String
        var relid: Int
        var description: String
        var cents: Int64
        var taxed: Bool
    }

    struct Invoice: Sendable {
        var id: Int
        var userid: Int
        var date: String
        var duedate: String
        var datepaid: String
        var status: String
        var items: [InvoiceItem]
        var taxRateThousandths: Int64
        var taxCents: Int64
        var creditCents: Int64
        var paymentmethod: String
        var createdAt: String

        var subtotalCents: Int64 { items.reduce(0) { $0 + $1.cents } }
        var totalCents: Int64 { subtotalCents + taxCents - creditCents }
    }

    struct Service: Sendable {
        var id: Int
        var userid: Int
        var orderid: Int
        var pid: Int
        var domain: String
        var regdate: String
        var firstpaymentCents: Int64
        var recurringCents: Int64
        var paymentmethod: String
        /// The display form WHMCS stores: `Monthly`, `One Time`, `Free Account`.
        var billingcycle: String
        var nextduedate: String
        var status: String
        var qty: Int
    }

    struct Order: Sendable {
        var id: Int
        var ordernum: Int64
        var userid: Int
        var date: String
        var amountCents: Int64
        var paymentmethod: String
        var invoiceid: Int
        var status: String
        var notes: String
        var serviceIDs: [Int]
        var ipaddress: String
    }

    struct PayMethod: Sendable {
        var id: Int
        var userid: Int
        var type: String
        var description: String
        var gatewayName: String
        var cardLastFour: String
        var expiryDate: String
        var cardType: String
        var bankName: String
        var remoteToken: String
        var lastUpdated: String
    }

    struct Credit: Sendable {
        var id: Int
        var userid: Int
        var date: String
        var description: String
        var cents: Int64
        var relid: Int
    }

    struct Transaction: Sendable {
        var id: Int
        var userid: Int
        var gateway: String
        var date: String
        var description: String
        var amountinCents: Int64
        var feesCents: Int64
        var amountoutCents: Int64
        var transid: String
        var invoiceid: Int
    }

    var clients: [Int: Client] = [:]
    var products: [Int: Product] = [:]
    var gateways: [Gateway] = []
    var invoices: [Int: Invoice] = [:]
    var services: [Int: Service] = [:]
    var orders: [Int: Order] = [:]
    var payMethods: [PayMethod] = []
    var credits: [Credit] = []
    var transactions: [Transaction] = []
    var nextInvoiceID = 1
    var nextItemID = 1
    var nextServiceID = 1
    var nextOrderID = 1
    var nextCreditID = 1
    var nextTransactionID = 1

    /// What has been paid on an invoice: payments in less refunds out.
    func paidCents(_ invoiceID: Int) -> Int64 {
        transactions.filter { $0.invoiceid == invoiceID }.reduce(0) { $0 + $1.amountinCents - $1.amountoutCents }
    }

    func balanceCents(_ invoice: Invoice) -> Int64 { invoice.totalCents - paidCents(invoice.id) }

    /// Tax on `cents` at a rate in thousandths of a percent, rounded half up.
    static func tax(_ cents: Int64, thousandths: Int64) -> Int64 { (cents * thousandths + 50_000) / 100_000 }
}

/// WHMCS's text forms of amounts and dates.
enum WHMCSFormat {
    /// `1234` → `"12.34"`, `-5` → `"-0.05"`.
    static func decimal(_ cents: Int64) -> String {
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return (cents < 0 ? "-" : "") + "\(magnitude / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// `"12.3"` → 1230; `nil` unless a plain decimal with at most two significant decimals.
    static func cents(_ text: String) -> Int64? {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        guard fraction.count <= 2, fraction.allSatisfy(\.isNumber) else { return nil }
        let value = whole * 100 + (Int64(fraction + String(repeating: "0", count: 2 - fraction.count)) ?? 0)
        return negative ? -value : value
    }

    /// A rate in thousandths of a percent as WHMCS prints it: 10000 → `"10.000"`.
    static func rate(_ thousandths: Int64) -> String {
        let fraction = thousandths % 1000
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - String(fraction).count) + "\(fraction)"
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    /// `2024-03-01`.
    static func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// `2024-03-01 13:59:35`.
    static func dateTime(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        return day(date) + String(format: " %02d:%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// `date` moved by whole months (or days).
    static func adding(months: Int = 0, days: Int = 0, to date: Date) -> Date {
        calendar.date(byAdding: DateComponents(month: months, day: days), to: date) ?? date
    }

    /// The display form of a cycle: `monthly` → `Monthly`, `semiannually` → `Semi-Annually`.
    static func cycleName(_ cycle: String) -> String {
        switch cycle {
        case "free": "Free Account"
        case "onetime": "One Time"
        case "semiannually": "Semi-Annually"
        default: cycle.prefix(1).uppercased() + cycle.dropFirst()
        }
    }

    /// Months a cycle lasts (0 for one-time and free).
    static func months(_ cycle: String) -> Int {
        ["monthly": 1, "quarterly": 3, "semiannually": 6, "annually": 12, "biennially": 24, "triennially": 36][cycle] ?? 0
    }

    static let cycles = ["monthly", "quarterly", "semiannually", "annually", "biennially", "triennially"]
}
