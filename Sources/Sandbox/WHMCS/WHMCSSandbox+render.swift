import Foundation

/// Records rendered the way WHMCS's JSON shows them, starting from the documentation's examples.
extension WHMCSSandbox {
    typealias State = WHMCSSandboxState

    static func currencyAffixes(_ code: String) -> (prefix: String, suffix: String) {
        switch code {
        case "USD": ("$", " USD")
        case "EUR": ("€", " EUR")
        case "GBP": ("£", " GBP")
        default: ("", " " + code)
        }
    }

    /// `{"<name>": [...]}`, or `""` when empty, as WHMCS sends lists.
    static func wrapped(_ name: String, _ items: [[String: JSONValue]]) -> JSONValue {
        items.isEmpty ? "" : .object([name: .array(items.map(JSONValue.object))])
    }

    func renderClient(_ client: State.Client) -> [String: JSONValue] {
        var row = templates.client
        for key in ["client_id", "owner_user_id", "userid", "id"] { row[key] = .int(Int64(client.id)) }
        row["uuid"] = .string(String(format: "00000000-0000-4000-8000-%012d", client.id))
        row["firstname"] = .string(client.firstname)
        row["lastname"] = .string(client.lastname)
        row["fullname"] = .string(client.fullname)
        row["companyname"] = .string(client.companyname)
        row["email"] = .string(client.email)
        row["address1"] = .string(client.address1)
        row["address2"] = ""
        row["city"] = .string(client.city)
        for key in ["fullstate", "state", "statecode"] { row[key] = .string(client.state) }
        row["postcode"] = .string(client.postcode)
        for key in ["countrycode", "country"] { row[key] = .string(client.countrycode) }
        row["countryname"] = .string(client.countrycode)
        row["phonenumber"] = .string(client.phonenumber)
        row["phonecc"] = .string(client.phonecc)
        for key in ["phonenumberformatted", "telephoneNumber"] { row[key] = .string("+\(client.phonecc).\(client.phonenumber)") }
        row["credit"] = .string(WHMCSFormat.decimal(client.creditCents))
        row["currency"] = client.currencyCode == "USD" ? 1 : 2
        row["currency_code"] = .string(client.currencyCode)
        row["defaultgateway"] = .string(client.defaultgateway)
        row["status"] = .string(client.status)
        row["datecreated"] = .string(client.datecreated)
        row["customfields"] = []
        row.removeValue(forKey: "customfields1")
        row["users"] = ["user": [["id": .int(Int64(client.id)), "name": .string(client.fullname), "email": .string(client.email), "is_owner": true]]]
        return row
    }

    func renderInvoiceSummary(_ invoice: State.Invoice, _ state: State) -> [String: JSONValue] {
        var row = templates.invoiceSummary
        let client = state.clients[invoice.userid]
        let code = client?.currencyCode ?? "USD"
        row["id"] = .int(Int64(invoice.id))
        row["userid"] = .int(Int64(invoice.userid))
        row["firstname"] = .string(client?.firstname ?? "")
        row["lastname"] = .string(client?.lastname ?? "")
        row["companyname"] = .string(client?.companyname ?? "")
        row["invoicenum"] = ""
        row["date"] = .string(invoice.date)
        row["duedate"] = .string(invoice.duedate)
        row["datepaid"] = .string(invoice.datepaid)
        row["date_refunded"] = invoice.status == "Refunded" ? .string(invoice.datepaid) : "0000-00-00 00:00:00"
        row["date_cancelled"] = invoice.status == "Cancelled" ? .string(invoice.createdAt) : "0000-00-00 00:00:00"
        fillTotals(&row, invoice)
        row["status"] = .string(invoice.status)
        row["paymentmethod"] = .string(invoice.paymentmethod)
        row["notes"] = ""
        row["created_at"] = .string(invoice.createdAt)
        row["updated_at"] = .string(invoice.createdAt)
        row["currencycode"] = .string(code)
        row["currencyprefix"] = .string(Self.currencyAffixes(code).prefix)
        row["currencysuffix"] = .string(Self.currencyAffixes(code).suffix)
        return row
    }

    func renderInvoice(_ invoice: State.Invoice, _ state: State) -> [String: JSONValue] {
        var row = templates.invoice
        row.removeValue(forKey: "result")
        row["invoiceid"] = .int(Int64(invoice.id))
        row["invoicenum"] = ""
        row["userid"] = .int(Int64(invoice.userid))
        row["date"] = .string(invoice.date)
        row["duedate"] = .string(invoice.duedate)
        row["datepaid"] = .string(invoice.datepaid)
        fillTotals(&row, invoice)
        row["balance"] = .string(WHMCSFormat.decimal(state.balanceCents(invoice)))
        row["status"] = .string(invoice.status)
        row["paymentmethod"] = .string(invoice.paymentmethod)
        row["items"] = Self.wrapped("item", invoice.items.map { item in
            var line = templates.invoiceItem
            line["id"] = .int(Int64(item.id))
            line["type"] = .string(item.type)
            line["relid"] = .int(Int64(item.relid))
            line["description"] = .string(item.description)
            line["amount"] = .string(WHMCSFormat.decimal(item.cents))
            line["taxed"] = item.taxed ? 1 : 0
            return line
        })
        row["transactions"] = Self.wrapped("transaction", state.transactions.filter { $0.invoiceid == invoice.id }.map(renderTransaction))
        return row
    }

    private func fillTotals(_ row: inout [String: JSONValue], _ invoice: State.Invoice) {
        row["subtotal"] = .string(WHMCSFormat.decimal(invoice.subtotalCents))
        row["credit"] = .string(WHMCSFormat.decimal(invoice.creditCents))
        row["tax"] = .string(WHMCSFormat.decimal(invoice.taxCents))
        row["tax2"] = "0.00"
        row["total"] = .string(WHMCSFormat.decimal(invoice.totalCents))
        row["taxrate"] = .string(WHMCSFormat.rate(invoice.taxRateThousandths))
        row["taxrate2"] = "0.000"
    }

    func renderService(_ service: State.Service, _ state: State) -> [String: JSONValue] {
        var row = templates.service
        let product = state.products[service.pid]
        let order = state.orders[service.orderid]
        row["id"] = .string(String(service.id))
        row["qty"] = .string(String(service.qty))
        row["clientid"] = .string(String(service.userid))
        row["orderid"] = .string(String(service.orderid))
        row["ordernumber"] = .string(order.map { String($0.ordernum) } ?? "")
        row["pid"] = .string(String(service.pid))
        row["regdate"] = .string(service.regdate)
        for key in ["name", "translated_name"] { row[key] = .string(product?.name ?? "") }
        for key in ["groupname", "translated_groupname"] { row[key] = .string(product?.groupname ?? "") }
        row["domain"] = .string(service.domain)
        row["firstpaymentamount"] = .string(WHMCSFormat.decimal(service.firstpaymentCents))
        row["recurringamount"] = .string(WHMCSFormat.decimal(service.recurringCents))
        row["paymentmethod"] = .string(service.paymentmethod)
        row["paymentmethodname"] = .string(state.gateways.first { $0.module == service.paymentmethod }?.displayname ?? "")
        row["billingcycle"] = .string(service.billingcycle)
        row["nextduedate"] = .string(service.nextduedate)
        row["status"] = .string(service.status)
        row["username"] = ""
        row["password"] = ""
        row["configoptions"] = ["configoption": []]
        return row
    }

    func renderOrder(_ order: State.Order, _ state: State) -> [String: JSONValue] {
        var row = templates.order
        let client = state.clients[order.userid]
        let code = client?.currencyCode ?? "USD"
        row["id"] = .int(Int64(order.id))
        row["ordernum"] = .int(order.ordernum)
        row["userid"] = .int(Int64(order.userid))
        row["requestor_id"] = .int(Int64(order.userid))
        row["date"] = .string(order.date)
        row["amount"] = .string(WHMCSFormat.decimal(order.amountCents))
        row["paymentmethod"] = .string(order.paymentmethod)
        row["paymentmethodname"] = .string(state.gateways.first { $0.module == order.paymentmethod }?.displayname ?? "")
        row["invoiceid"] = .int(Int64(order.invoiceid))
        row["status"] = .string(order.status)
        row["ipaddress"] = .string(order.ipaddress)
        row["fraudmodule"] = ""
        row["fraudoutput"] = ""
        row["notes"] = .string(order.notes)
        row["paymentstatus"] = .string(state.invoices[order.invoiceid]?.status ?? "")
        row["name"] = .string(client?.fullname ?? "")
        row["currencyprefix"] = .string(Self.currencyAffixes(code).prefix)
        row["currencysuffix"] = .string(code)
        row["lineitems"] = Self.wrapped("lineitem", order.serviceIDs.compactMap { id in
            guard let service = state.services[id] else { return nil }
            var line = templates.orderLineItem
            line["type"] = "product"
            line["relid"] = .int(Int64(id))
            line["producttype"] = state.products[service.pid]?.type == "hostingaccount" ? "Shared Hosting" : "Other Product/Service"
            line["product"] = .string(state.products[service.pid].map { "\($0.groupname) - \($0.name)" } ?? "")
            line["domain"] = .string(service.domain)
            line["billingcycle"] = .string(service.billingcycle == "One Time" ? "One-Time" : service.billingcycle)
            line["amount"] = .string(WHMCSFormat.decimal(service.firstpaymentCents))
            line["status"] = .string(service.status)
            return line
        })
        return row
    }

    func renderProduct(_ product: State.Product) -> [String: JSONValue] {
        var row = templates.product
        row["pid"] = .int(Int64(product.pid))
        row["gid"] = .int(Int64(product.gid))
        row["type"] = .string(product.type)
        row["name"] = .string(product.name)
        row["slug"] = .string(product.slug)
        row["product-url"] = .string("https://billing.demo.atrium.test/store/\(product.slug)")
        row["description"] = .string(product.description)
        row["module"] = .string(product.module)
        row["paytype"] = .string(product.paytype)
        var pricing: [String: JSONValue] = [:]
        for (code, cycles) in product.prices {
            var table: [String: JSONValue] = [
                "prefix": .string(Self.currencyAffixes(code).prefix), "suffix": .string(Self.currencyAffixes(code).suffix),
            ]
            for (cycle, setup) in zip(WHMCSFormat.cycles, ["msetupfee", "qsetupfee", "ssetupfee", "asetupfee", "bsetupfee", "tsetupfee"]) {
                table[setup] = "0.00"
                table[cycle] = .string(cycles[cycle].map(WHMCSFormat.decimal) ?? "-1.00")
            }
            pricing[code] = .object(table)
        }
        row["pricing"] = pricing.isEmpty ? [] : .object(pricing)
        if product.pid != 1 {
            row["customfields"] = ["customfield": []]
            row["configoptions"] = ["configoption": []]
        }
        return row
    }

    func renderTransaction(_ transaction: State.Transaction) -> [String: JSONValue] {
        [
            "id": .string(String(transaction.id)), "userid": .string(String(transaction.userid)), "currency": "0",
            "gateway": .string(transaction.gateway), "date": .string(transaction.date), "description": .string(transaction.description),
            "amountin": .string(WHMCSFormat.decimal(transaction.amountinCents)), "fees": .string(WHMCSFormat.decimal(transaction.feesCents)),
            "amountout": .string(WHMCSFormat.decimal(transaction.amountoutCents)), "rate": "1.00000", "transid": .string(transaction.transid),
            "invoiceid": .string(String(transaction.invoiceid)), "refundid": "0",
        ]
    }

    func renderPayMethod(_ method: State.PayMethod) -> [String: JSONValue] {
        var row: [String: JSONValue] = [
            "id": .int(Int64(method.id)), "type": .string(method.type), "description": .string(method.description),
            "gateway_name": .string(method.gatewayName), "contact_type": "Client", "contact_id": .int(Int64(method.userid)),
            "remote_token": .string(method.remoteToken), "last_updated": .string(method.lastUpdated),
        ]
        if method.type.hasSuffix("CreditCard") {
            row["card_last_four"] = .string(method.cardLastFour)
            row["expiry_date"] = .string(method.expiryDate)
            row["start_date"] = ""
            row["issue_number"] = ""
            row["card_type"] = .string(method.cardType)
        } else {
            row["bank_name"] = .string(method.bankName)
        }
        return row
    }
}
