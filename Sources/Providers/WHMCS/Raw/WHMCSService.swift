/// `GetClientsProducts`: one page of a client's services (products bought, whatever their status).
///
/// https://developers.whmcs.com/api-reference/getclientsproducts/
struct WHMCSClientsProductsResponse: Decodable, Sendable {
    let totalresults: WHMCSInt
    let startnumber: WHMCSInt?
    let numreturned: WHMCSInt?
    let products: WHMCSList<WHMCSProductListName, WHMCSService>
}

/// A service (WHMCS calls it a product of the client): a product instance with its cycle, price and status.
struct WHMCSService: Decodable, Sendable {
    let id: WHMCSText
    let clientid: WHMCSText
    let orderid: WHMCSText?
    let pid: WHMCSText?
    /// Added in WHMCS 8.12; absent before, meaning one.
    let qty: WHMCSInt?
    let regdate: WHMCSDate?
    let name: String
    let translatedName: String?
    let groupname: String?
    let domain: String?
    let firstpaymentamount: WHMCSDecimal?
    let recurringamount: WHMCSDecimal
    let billingcycle: WHMCSBillingCycle
    let nextduedate: WHMCSDate?
    let status: WHMCSServiceStatus

    enum CodingKeys: String, CodingKey {
        case id, clientid, orderid, pid, qty, regdate, name, groupname, domain, firstpaymentamount, recurringamount
        case billingcycle, nextduedate, status
        case translatedName = "translated_name"
    }
}

enum WHMCSServiceStatus: String, Decodable, Sendable {
    case pending = "Pending"
    case active = "Active"
    case suspended = "Suspended"
    case terminated = "Terminated"
    case cancelled = "Cancelled"
    case fraud = "Fraud"
    /// A one-time or fixed-term service that ran its course.
    case completed = "Completed"
}

/// A billing cycle as WHMCS spells it in responses (`Monthly`, `Semi-Annually`, `One Time`, `Free Account`) or in
/// requests and order lines (`monthly`, `semiannually`, `onetime`, `One-Time`, `free`).
enum WHMCSBillingCycle: String, Decodable, Sendable, CaseIterable {
    case free
    case onetime
    case monthly
    case quarterly
    case semiannually
    case annually
    case biennially
    case triennially

    init?(whmcs text: String) {
        let folded = String(text.lowercased().filter { $0 != " " && $0 != "-" && $0 != "_" })
        switch folded {
        case "freeaccount", "free": self = .free
        case "onetime": self = .onetime
        default:
            guard let cycle = WHMCSBillingCycle(rawValue: folded) else { return nil }
            self = cycle
        }
    }

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let cycle = WHMCSBillingCycle(whmcs: text) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "unknown billing cycle"))
        }
        self = cycle
    }
}
