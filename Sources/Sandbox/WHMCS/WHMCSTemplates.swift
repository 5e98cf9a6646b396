/// The WHMCS documentation's example payloads (`fixtures/upstream/whmcs/`), used as the shape of every record
/// the sandbox renders: a record starts as the example and gets the sandbox's values, so fields the sandbox does
/// not model keep WHMCS's own form.
struct WHMCSTemplates: Sendable {
    let client: [String: JSONValue]
    let stats: [String: JSONValue]
    let invoiceSummary: [String: JSONValue]
    let invoice: [String: JSONValue]
    let invoiceItem: [String: JSONValue]
    let service: [String: JSONValue]
    let order: [String: JSONValue]
    let orderLineItem: [String: JSONValue]
    let product: [String: JSONValue]
    let gateways: [[String: JSONValue]]

    static func load() throws -> WHMCSTemplates {
        let details = try SandboxFixtures.json("whmcs/getclientsdetails.response.json")
        let invoices = try SandboxFixtures.json("whmcs/getinvoices.response.json")
        let invoice = try SandboxFixtures.json("whmcs/getinvoice.response.json")
        let services = try SandboxFixtures.json("whmcs/getclientsproducts.response.json")
        let orders = try SandboxFixtures.json("whmcs/getorders.response.json")
        let products = try SandboxFixtures.json("whmcs/getproducts.response.json")
        let gateways = try SandboxFixtures.json("whmcs/getpaymentmethods.response.json")
        let order = first(orders["orders"]["order"])
        return WHMCSTemplates(
            client: details["client"].object ?? [:],
            stats: details["stats"].object ?? [:],
            invoiceSummary: first(invoices["invoices"]["invoice"]),
            invoice: invoice.object ?? [:],
            invoiceItem: first(invoice["items"]["item"]),
            // The second example service is the active one, with a configurable option.
            service: services["products"]["product"].array?.last?.object ?? [:],
            order: order,
            orderLineItem: first(JSONValue.object(order)["lineitems"]["lineitem"]),
            product: first(products["products"]["product"]),
            gateways: (gateways["paymentmethods"]["paymentmethod"].array ?? []).compactMap(\.object)
        )
    }

    private static func first(_ list: JSONValue) -> [String: JSONValue] { list.array?.first?.object ?? [:] }
}
