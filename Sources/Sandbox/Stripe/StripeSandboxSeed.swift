import Foundation

/// The demo data the Stripe sandbox starts with, built from the fixture objects with varied ids, amounts and dates
/// relative to the month of `now` (UTC).
///
/// - Alice (``StripeSandbox/aliceCustomerID``): 29 invoices (24 monthly Fibre 100 invoices with one void and one
///   uncollectible, 3 Mobile 10 GB invoices, a 12-line roaming invoice whose lines need paging, a draft), two active
///   subscriptions and a cancelled one, a default Visa and a Mastercard, a €5 credit.
/// - Bob (``StripeSandbox/bobCustomerID``): one subscription, 3 invoices, an Amex (default) and a card that declines.
/// - A deleted customer (``StripeSandbox/deletedCustomerID``), six products with their prices, German VAT at 19 %.
enum StripeSandboxSeed {
    static func state(_ objects: StripeObjects, now: Date) -> StripeSandboxState {
        var seed = Builder(objects: objects, anchor: monthStart(now))
        seed.catalog()
        seed.alice()
        seed.bob()
        return seed.state
    }

    static func monthStart(_ date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: calendar.dateComponents([.year, .month], from: date)) ?? date
    }

    struct Builder {
        let objects: StripeObjects
        let anchor: Date
        var state = StripeSandboxState()
        var calendar: Calendar = {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
            return calendar
        }()

        /// Unix seconds of the start of the month `offset` months from the anchor's.
        func month(_ offset: Int) -> Int64 {
            Int64((calendar.date(byAdding: .month, value: offset, to: anchor) ?? anchor).timeIntervalSince1970)
        }

        var vat: JSONValue { state[StripeSandbox.vatTaxRateID] ?? nil }

        mutating func catalog() {
            let created = month(-30)
            state.put(objects.taxRate(id: StripeSandbox.vatTaxRateID, displayName: "VAT", percentage: 19, country: "DE", created: created))
            let catalog: [(String, String, String, String, Int64, (String, Int)?)] = [
                ("prod_DemoFibre100", "Fibre 100", "100 Mbit/s home fibre", StripeSandbox.fibre100PriceID, 2990, ("month", 1)),
                ("prod_DemoFibre1000", "Fibre 1000", "1 Gbit/s home fibre", StripeSandbox.fibre1000PriceID, 4990, ("month", 1)),
                (
                    "prod_DemoMobile10GB", "Mobile 10 GB", "Mobile plan with 10 GB of data", StripeSandbox.mobile10GBPriceID, 1200,
                    ("month", 1)
                ),
                ("prod_DemoStaticIP4", "Static IP", "A fixed public IPv4 address", StripeSandbox.staticIPPriceID, 500, ("month", 1)),
                ("prod_DemoRoaming5", "Roaming day pass", "24 hours of EU roaming data", StripeSandbox.roamingDayPassPriceID, 399, nil),
                ("prod_DemoRouter6", "Router upgrade", "Wi-Fi 7 router, one-off", StripeSandbox.routerUpgradePriceID, 8900, nil),
            ]
            for (product, name, description, price, amount, interval) in catalog {
                state.put(objects.product(id: product, name: name, description: description, defaultPrice: price, created: created))
                state.put(
                    objects.price(
                        id: price, product: product, nickname: name, unitAmount: amount, currency: "eur", interval: interval,
                        created: created
                    ))
            }
            state.put(objects.deletedCustomer(id: StripeSandbox.deletedCustomerID))
        }

        mutating func alice() {
            let id = StripeSandbox.aliceCustomerID
            let visa = "pm_1DemoAliceVisa00000001"
            state.put(
                objects.customer(
                    id: id, name: "Alice Demo", email: "alice@demo.atrium.test", phone: "+4915100000001",
                    address: ["line1": "Demostraße 1", "city": "Berlin", "postal_code": "10115", "country": "DE"],
                    currency: "eur", balance: -500, defaultPaymentMethod: visa, invoicePrefix: "ALICE01", created: month(-26)
                ))
            let holder = ("Alice Demo", "alice@demo.atrium.test")
            state.put(
                objects.card(
                    id: visa, customer: id, holder: holder.0, email: holder.1, brand: "visa", last4: "4242", expiry: (8, 2030),
                    created: month(-26)
                ))
            state.put(
                objects.card(
                    id: "pm_1DemoAliceMc0000000002", customer: id, holder: holder.0, email: holder.1, brand: "mastercard", last4: "4444",
                    expiry: (11, 2027), created: month(-4)
                ))
            var number = 0
            func nextID() -> String {
                number += 1
                return "in_1DemoAlice" + String(format: "%014d", number)
            }
            _ = subscription(
                id: "sub_1DemoAliceFibre00000001", item: "si_DemoAliceFibre1", customer: id, price: StripeSandbox.fibre100PriceID,
                quantity: 1, months: -23...0, invoiceIDs: nextID, statuses: [0: "open", -7: "void", -15: "uncollectible"]
            )
            roaming(id: nextID(), customer: id, month: -12)
            _ = subscription(
                id: "sub_1DemoAliceMobile0000002", item: "si_DemoAliceMobile2", customer: id, price: StripeSandbox.mobile10GBPriceID,
                quantity: 2, months: -2...0, invoiceIDs: nextID, statuses: [0: "open"]
            )
            let router = StripeObjects.LineSpec(
                price: state[StripeSandbox.routerUpgradePriceID] ?? nil, quantity: 1, description: "Router upgrade", taxRate: vat
            )
            _ = state.createInvoice(
                objects, id: nextID(), customerID: id, subscription: nil, billingReason: "manual", lines: [router],
                created: month(0) + 86_400, period: (month(0), month(0))
            )
            // Cancelled during its trial, so it never invoiced.
            guard let price = state[StripeSandbox.staticIPPriceID] else { return }
            var cancelled = objects.subscription(
                id: "sub_1DemoAliceStaticIP00003", customer: id, items: [("si_DemoAliceStaticIP3", price, 1)], status: "canceled",
                created: month(-9), period: (month(-9), month(-8)), latestInvoice: nil, taxRates: [vat], defaultPaymentMethod: nil,
                metadata: [:]
            )
            cancelled["trial_start"] = .int(month(-9))
            cancelled["trial_end"] = .int(month(-8))
            cancelled["canceled_at"] = .int(month(-8) - 3600)
            cancelled["ended_at"] = .int(month(-8) - 3600)
            cancelled["cancellation_details"]["reason"] = "cancellation_requested"
            state.put(cancelled)
        }

        mutating func bob() {
            let id = StripeSandbox.bobCustomerID
            let amex = "pm_1DemoBobAmex00000000001"
            state.put(
                objects.customer(
                    id: id, name: "Bob Demo", email: "bob@demo.atrium.test", phone: "+4915100000002",
                    address: ["line1": "Beispielweg 2", "city": "München", "postal_code": "80331", "country": "DE"],
                    currency: "eur", balance: 0, defaultPaymentMethod: amex, invoicePrefix: "BOB0002", created: month(-3)
                ))
            state.put(
                objects.card(
                    id: amex, customer: id, holder: "Bob Demo", email: "bob@demo.atrium.test", brand: "amex", last4: "8431",
                    expiry: (3, 2028), created: month(-3)
                ))
            state.put(
                objects.card(
                    id: StripeSandbox.decliningPaymentMethodID, customer: id, holder: "Bob Demo", email: "bob@demo.atrium.test",
                    brand: "visa", last4: "0002", expiry: (12, 2029), created: month(-1)
                ))
            var number = 0
            _ = subscription(
                id: "sub_1DemoBobMobile000000001", item: "si_DemoBobMobile1", customer: id, price: StripeSandbox.mobile10GBPriceID,
                quantity: 1, months: -2...0,
                invoiceIDs: {
                    number += 1
                    return "in_1DemoBob" + String(format: "%016d", number)
                }, statuses: [0: "open"]
            )
        }

        /// A subscription invoiced every month of `months` (paid unless `statuses` says otherwise), active now.
        mutating func subscription(
            id: String, item: String, customer: String, price priceID: String, quantity: Int64, months: ClosedRange<Int>,
            invoiceIDs: () -> String, statuses: [Int: String]
        ) -> JSONValue? {
            guard let price = state[priceID], let product = state[price["product"].string ?? ""] else { return nil }
            var latest: String?
            for offset in months {
                let spec = StripeObjects.LineSpec(
                    price: price, quantity: quantity, description: "\(quantity) × \(product["name"].string ?? "") (per month)",
                    subscription: id, subscriptionItem: item, taxRate: vat
                )
                let created = month(offset)
                guard
                    let invoice = state.createInvoice(
                        objects, id: invoiceIDs(), customerID: customer, subscription: id,
                        billingReason: offset == months.lowerBound ? "subscription_create" : "subscription_cycle",
                        lines: [spec], created: created, period: (created, month(offset + 1))
                    ), let invoiceID = invoice["id"].string
                else { continue }
                latest = invoiceID
                _ = state.finalizeInvoice(invoiceID, at: created + 3600)
                switch statuses[offset] ?? "paid" {
                case "paid": _ = state.payInvoice(objects, invoiceID, at: created + 7200)
                case let status where status != "open": _ = state.setInvoiceStatus(invoiceID, status, at: created + 14 * 86_400)
                default: break
                }
            }
            let subscription = objects.subscription(
                id: id, customer: customer, items: [(item, price, quantity)], status: "active", created: month(months.lowerBound),
                period: (month(months.upperBound), month(months.upperBound + 1)), latestInvoice: latest, taxRates: [vat],
                defaultPaymentMethod: nil, metadata: [:]
            )
            state.put(subscription)
            return subscription
        }

        /// A one-off invoice of twelve roaming day passes: more lines than Stripe embeds in an invoice.
        mutating func roaming(id: String, customer: String, month offset: Int) {
            guard let price = state[StripeSandbox.roamingDayPassPriceID] else { return }
            let start = month(offset)
            let specs = (1...12).map { day in
                StripeObjects.LineSpec(price: price, quantity: 1, description: "Roaming day pass, day \(day)", taxRate: vat)
            }
            _ = state.createInvoice(
                objects, id: id, customerID: customer, subscription: nil, billingReason: "manual", lines: specs,
                created: start + 20 * 86_400, period: (start, month(offset + 1))
            )
            _ = state.finalizeInvoice(id, at: start + 20 * 86_400 + 3600)
            _ = state.payInvoice(objects, id, at: start + 20 * 86_400 + 7200)
        }
    }
}
