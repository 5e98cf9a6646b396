import Foundation

/// The demo data: Alice (client 1001, USD, 28 invoices, three services, two pay methods) and Bob (client 1002,
/// EUR, four invoices, one service, one pay method), the products they bought, and the orders behind them.
enum WHMCSSandboxSeed {
    typealias State = WHMCSSandboxState

    static func build(templates: WHMCSTemplates, now: Date) -> State {
        var state = State()
        state.gateways = templates.gateways.map { State.Gateway(module: $0["module"]?.string ?? "", displayname: $0["displayname"]?.string ?? "") }
            + [State.Gateway(module: "stripe", displayname: "Stripe"), State.Gateway(module: "mailin", displayname: "Mail In Payment")]
        addProducts(&state, template: templates.product)
        let created = WHMCSFormat.adding(months: -30, to: now)
        state.clients[1001] = State.Client(
            id: 1001, firstname: "Alice", lastname: "Demo", companyname: "", email: "alice@demo.atrium.test",
            address1: "1 Demo Way", city: "Springfield", state: "Illinois", postcode: "62701", countrycode: "US", phonecc: "1",
            phonenumber: "5550100", currencyCode: "USD", creditCents: 0, defaultgateway: "stripe", status: "Active",
            datecreated: WHMCSFormat.day(created), taxRateThousandths: 10_000
        )
        state.clients[1002] = State.Client(
            id: 1002, firstname: "Bob", lastname: "Demo", companyname: "Demo GmbH", email: "bob@demo.atrium.test",
            address1: "Demostraße 2", city: "Berlin", state: "Berlin", postcode: "10115", countrycode: "DE", phonecc: "49",
            phonenumber: "1510000002", currencyCode: "EUR", creditCents: 0, defaultgateway: "", status: "Active",
            datecreated: WHMCSFormat.day(created), taxRateThousandths: 21_000
        )
        // Orders and services first, so invoices can bill the services.
        let start = WHMCSFormat.adding(months: -28, to: now)
        let aliceOrder = addOrder(&state, userid: 1001, date: start, lines: [(2, "monthly", "+1 555 0100"), (3, "onetime", "")])
        let aliceHosting = addOrder(&state, userid: 1001, date: WHMCSFormat.adding(months: 2, to: start), lines: [(1, "monthly", "alice.example")])
        let bobOrder = addOrder(&state, userid: 1002, date: WHMCSFormat.adding(months: -4, to: now), lines: [(2, "monthly", "+49 151 0000002")])
        for service in aliceOrder + aliceHosting + bobOrder {
            let oneTime = state.services[service]?.billingcycle == "One Time"
            state.services[service]?.status = oneTime ? "Completed" : "Active"
            state.services[service]?.nextduedate = oneTime ? "0000-00-00" : WHMCSFormat.day(WHMCSFormat.adding(months: 1, to: now))
        }
        for id in state.orders.keys { state.orders[id]?.status = "Active" }
        // Monthly invoices, oldest first so ids grow with dates; Alice 28 and Bob 4.
        var bills: [(date: Date, userid: Int, services: [Int], status: String)] = []
        for month in 0..<28 {
            let services = month >= 2 ? [aliceOrder[0], aliceHosting[0]] : [aliceOrder[0]]
            let status = ["Paid", "Refunded", "Cancelled", "Payment Pending", "Unpaid"][[0: 4, 1: 3, 12: 1, 20: 2][27 - month] ?? 0]
            bills.append((WHMCSFormat.adding(months: month, to: start), 1001, services, status))
        }
        for month in 0..<4 {
            bills.append((WHMCSFormat.adding(months: month - 3, to: now), 1002, bobOrder, month == 3 ? "Unpaid" : "Paid"))
        }
        for bill in bills.sorted(by: { ($0.date, $0.userid) < ($1.date, $1.userid) }) {
            addInvoice(&state, userid: bill.userid, date: bill.date, services: bill.services, status: bill.status)
        }
        for order in [aliceOrder, aliceHosting, bobOrder] {
            guard let first = order.first, let orderID = state.services[first]?.orderid else { continue }
            let billing = state.invoices.values.filter { invoice in invoice.items.contains { $0.relid == first } }
            state.orders[orderID]?.invoiceid = billing.map(\.id).min() ?? 0
        }
        addPayMethods(&state)
        return state
    }

    static func addProducts(_ state: inout State, template: [String: JSONValue]) {
        // Product 1 is the documentation's example product, with a EUR price added.
        let pricing = JSONValue.object(template)["pricing"]["USD"]
        let exampleMonthly = pricing["monthly"].string.flatMap(WHMCSFormat.cents) ?? 2599
        state.products[1] = State.Product(
            pid: 1, gid: 1, groupname: "Shared Hosting", type: template["type"]?.string ?? "hostingaccount",
            name: template["name"]?.string ?? "Best Hosting Plan", slug: template["slug"]?.string ?? "best-hosting-plan",
            description: template["description"]?.string ?? "", module: template["module"]?.string ?? "cpanel",
            paytype: "recurring", prices: ["USD": ["monthly": exampleMonthly], "EUR": ["monthly": 2399]]
        )
        state.products[2] = State.Product(
            pid: 2, gid: 2, groupname: "Mobile Plans", type: "other", name: "Mobile 10 GB", slug: "mobile-10gb",
            description: "10 GB of mobile data, unlimited calls and texts.", module: "", paytype: "recurring",
            prices: ["USD": ["monthly": 1900, "annually": 19000], "EUR": ["monthly": 1700, "annually": 17000]]
        )
        state.products[3] = State.Product(
            pid: 3, gid: 2, groupname: "Mobile Plans", type: "other", name: "SIM Starter Kit", slug: "sim-starter-kit",
            description: "A SIM card with its activation.", module: "", paytype: "onetime",
            prices: ["USD": ["monthly": 500], "EUR": ["monthly": 450]]
        )
        state.products[4] = State.Product(
            pid: 4, gid: 2, groupname: "Mobile Plans", type: "other", name: "Roaming Pass", slug: "roaming-pass",
            description: "Roaming in the EU at home prices.", module: "", paytype: "free", prices: [:]
        )
    }

    /// Adds an order with one service per line; returns the service ids.
    @discardableResult
    static func addOrder(_ state: inout State, userid: Int, date: Date, lines: [(pid: Int, cycle: String, domain: String)]) -> [Int] {
        let orderID = state.nextOrderID
        state.nextOrderID += 1
        let currency = state.clients[userid]?.currencyCode ?? "USD"
        var serviceIDs: [Int] = []
        var amount: Int64 = 0
        for line in lines {
            let price = state.products[line.pid]?.prices[currency]?[line.cycle] ?? 0
            let id = state.nextServiceID
            state.nextServiceID += 1
            state.services[id] = State.Service(
                id: id, userid: userid, orderid: orderID, pid: line.pid, domain: line.domain, regdate: WHMCSFormat.day(date),
                firstpaymentCents: price, recurringCents: line.cycle == "free" ? 0 : price, paymentmethod: "stripe",
                billingcycle: WHMCSFormat.cycleName(line.cycle), nextduedate: WHMCSFormat.day(date), status: "Pending", qty: 1
            )
            serviceIDs.append(id)
            amount += price
        }
        state.orders[orderID] = State.Order(
            id: orderID, ordernum: 7_858_259_100 + Int64(orderID), userid: userid, date: WHMCSFormat.dateTime(date),
            amountCents: amount, paymentmethod: "stripe", invoiceid: 0, status: "Pending", notes: "", serviceIDs: serviceIDs,
            ipaddress: "198.51.100.7"
        )
        return serviceIDs
    }

    /// Adds an invoice billing one period of `services`, with its payment (and refund) transactions.
    static func addInvoice(_ state: inout State, userid: Int, date: Date, services: [Int], status: String) {
        guard let client = state.clients[userid] else { return }
        let id = state.nextInvoiceID
        state.nextInvoiceID += 1
        let end = WHMCSFormat.adding(months: 1, days: -1, to: date)
        var items: [State.InvoiceItem] = []
        for serviceID in services {
            guard let service = state.services[serviceID], let product = state.products[service.pid] else { continue }
            let label = service.domain.isEmpty ? "" : " - \(service.domain)"
            items.append(State.InvoiceItem(
                id: state.nextItemID, type: "Hosting", relid: serviceID,
                description: "\(product.name)\(label) (\(WHMCSFormat.day(date)) - \(WHMCSFormat.day(end)))",
                cents: service.recurringCents, taxed: true
            ))
            state.nextItemID += 1
        }
        let subtotal = items.reduce(0) { $0 + $1.cents }
        var invoice = State.Invoice(
            id: id, userid: userid, date: WHMCSFormat.day(date), duedate: WHMCSFormat.day(WHMCSFormat.adding(days: 14, to: date)),
            datepaid: "0000-00-00 00:00:00", status: status, items: items, taxRateThousandths: client.taxRateThousandths,
            taxCents: State.tax(subtotal, thousandths: client.taxRateThousandths), creditCents: 0, paymentmethod: "stripe",
            createdAt: WHMCSFormat.dateTime(date)
        )
        if status == "Paid" || status == "Refunded" {
            let paidAt = WHMCSFormat.adding(days: 2, to: date)
            invoice.datepaid = WHMCSFormat.dateTime(paidAt)
            addTransaction(&state, userid: userid, invoiceID: id, date: paidAt, inCents: invoice.totalCents, outCents: 0, transid: "ch_seed_\(id)")
            if status == "Refunded" {
                addTransaction(&state, userid: userid, invoiceID: id, date: paidAt, inCents: 0, outCents: invoice.totalCents, transid: "re_seed_\(id)")
            }
        }
        state.invoices[id] = invoice
    }

    static func addTransaction(_ state: inout State, userid: Int, invoiceID: Int, date: Date, inCents: Int64, outCents: Int64, transid: String) {
        state.transactions.append(State.Transaction(
            id: state.nextTransactionID, userid: userid, gateway: "stripe", date: WHMCSFormat.dateTime(date),
            description: outCents > 0 ? "Refund" : "Invoice Payment", amountinCents: inCents, feesCents: 0, amountoutCents: outCents,
            transid: transid, invoiceid: invoiceID
        ))
        state.nextTransactionID += 1
    }

    static func addPayMethods(_ state: inout State) {
        state.payMethods = [
            State.PayMethod(
                id: 1, userid: 1001, type: "RemoteCreditCard", description: "Default Card", gatewayName: "stripe", cardLastFour: "4242",
                expiryDate: "08/28", cardType: "Visa", bankName: "", remoteToken: #"{"customer":"cus_DemoAlice0001","method":"pm_demo"}"#,
                lastUpdated: "17/05/2024 10:01"
            ),
            State.PayMethod(
                id: 2, userid: 1001, type: "BankAccount", description: "Checking account", gatewayName: "", cardLastFour: "",
                expiryDate: "", cardType: "", bankName: "Bank of America", remoteToken: "", lastUpdated: "17/05/2024 10:01"
            ),
            State.PayMethod(
                id: 3, userid: 1002, type: "RemoteCreditCard", description: "", gatewayName: "stripe", cardLastFour: "5454",
                expiryDate: "11/27", cardType: "MasterCard", bankName: "", remoteToken: #"{"customer":"cus_DemoBob00002","method":"pm_demo"}"#,
                lastUpdated: "02/01/2025 09:30"
            ),
        ]
    }
}
