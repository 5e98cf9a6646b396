/// `GetOrders`: orders by id or by client, newest first.
///
/// https://developers.whmcs.com/api-reference/getorders/
struct WHMCSOrdersResponse: Decodable, Sendable {
    let totalresults: WHMCSInt
    let startnumber: WHMCSInt?
    let numreturned: WHMCSInt?
    let orders: WHMCSList<WHMCSOrderListName, WHMCSOrder>
}

struct WHMCSOrder: Decodable, Sendable {
    let id: WHMCSText
    let userid: WHMCSText
    let status: WHMCSOrderStatus
    /// `0` when the order made no invoice.
    let invoiceid: WHMCSText?
    let notes: String?
    let amount: WHMCSDecimal?
    let lineitems: WHMCSList<WHMCSLineItemListName, WHMCSOrderLineItem>?
}

/// One thing an order created: `type` `product` (a service, `relid` its id), `addon`, `domain`, …
struct WHMCSOrderLineItem: Decodable, Sendable {
    let type: String
    let relid: WHMCSText
}

/// The four order statuses WHMCS ships with. Installations can add their own; those fail mapping on purpose
/// (a saga must not guess whether a custom status means accepted).
enum WHMCSOrderStatus: String, Decodable, Sendable {
    case pending = "Pending"
    case active = "Active"
    case cancelled = "Cancelled"
    case fraud = "Fraud"
}

/// `AddOrder`'s answer: the ids it created, lists as comma-separated text (`"serviceids": "1,2"`).
///
/// https://developers.whmcs.com/api-reference/addorder/
struct WHMCSAddOrderResponse: Decodable, Sendable {
    let orderid: WHMCSText
    let serviceids: WHMCSText?
    /// The name of `serviceids` before WHMCS 7.8.
    let productids: WHMCSText?
    let invoiceid: WHMCSText?
}
