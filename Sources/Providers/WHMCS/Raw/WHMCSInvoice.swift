/// `GetInvoices`: one page of a client's invoices.
///
/// https://developers.whmcs.com/api-reference/getinvoices/
struct WHMCSInvoicesResponse: Decodable, Sendable {
    let totalresults: WHMCSInt
    let startnumber: WHMCSInt?
    let numreturned: WHMCSInt?
    let invoices: WHMCSList<WHMCSInvoiceListName, WHMCSInvoiceSummary>
}

/// An invoice as `GetInvoices` lists it: totals and currency, no line items and no balance.
struct WHMCSInvoiceSummary: Decodable, Sendable {
    let id: WHMCSText
    let userid: WHMCSText
    let invoicenum: String?
    let date: WHMCSDate?
    let duedate: WHMCSDate?
    let datepaid: WHMCSDate?
    let subtotal: WHMCSDecimal
    let credit: WHMCSDecimal?
    let tax: WHMCSDecimal
    let tax2: WHMCSDecimal?
    let total: WHMCSDecimal
    let taxrate: WHMCSDecimal?
    let taxrate2: WHMCSDecimal?
    let status: WHMCSInvoiceStatus
    let currencycode: String?
}

/// `GetInvoice`: one invoice with its items and balance (no currency: that is the client's).
///
/// https://developers.whmcs.com/api-reference/getinvoice/
struct WHMCSInvoice: Decodable, Sendable {
    let invoiceid: WHMCSText
    let invoicenum: String?
    let userid: WHMCSText
    let date: WHMCSDate?
    let duedate: WHMCSDate?
    let datepaid: WHMCSDate?
    let subtotal: WHMCSDecimal
    let credit: WHMCSDecimal?
    let tax: WHMCSDecimal
    let tax2: WHMCSDecimal?
    let total: WHMCSDecimal
    /// What is still owed: the total less the payments recorded against it.
    let balance: WHMCSDecimal
    let taxrate: WHMCSDecimal?
    let taxrate2: WHMCSDecimal?
    let status: WHMCSInvoiceStatus
    let paymentmethod: String?
    let items: WHMCSList<WHMCSItemListName, WHMCSInvoiceItem>
}

struct WHMCSInvoiceItem: Decodable, Sendable {
    let id: WHMCSText?
    /// `Hosting`, `Addon`, `DomainRegister`, `Item`, … and `relid` the record it bills.
    let type: String?
    let relid: WHMCSText?
    let description: String
    let amount: WHMCSDecimal
    /// `1` when the item is taxed (a number or text).
    let taxed: WHMCSText?
}

/// WHMCS invoice statuses. `Overdue` is not stored by WHMCS (it is an Unpaid invoice past its due date) but some
/// versions and the `status=Overdue` filter report it.
enum WHMCSInvoiceStatus: String, Decodable, Sendable {
    case draft = "Draft"
    case unpaid = "Unpaid"
    case paid = "Paid"
    case cancelled = "Cancelled"
    case refunded = "Refunded"
    case collections = "Collections"
    case paymentPending = "Payment Pending"
    case overdue = "Overdue"
}
