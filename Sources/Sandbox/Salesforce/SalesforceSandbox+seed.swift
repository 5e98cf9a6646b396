import Foundation

/// The demo org: Alice's and Bob's person accounts with cases, comments and orders, and a catalog of SIM plans,
/// subscriptions and hardware in the standard price book. Record shapes come from the fixtures
/// (`sobject_account.json`, `derived/query_cases.json`, `derived/query_orders.json`); ids, names and amounts vary.
extension SalesforceSandbox {
    struct SeedProduct {
        let code: String
        let name: String
        let family: String
        let euroCents: Int64
        var dollarCents: Int64? = nil
        var active = true
    }

    static let seedProducts: [SeedProduct] = [
        SeedProduct(code: "SIM-5GB", name: "SIM 5 GB", family: "SIM", euroCents: 990, dollarCents: 1090),
        SeedProduct(code: "SIM-20GB", name: "SIM 20 GB", family: "SIM", euroCents: 1990, dollarCents: 2190),
        SeedProduct(code: "SIM-50GB", name: "SIM 50 GB", family: "SIM", euroCents: 2990),
        SeedProduct(code: "SIM-UNLIMITED", name: "SIM Unlimited", family: "SIM", euroCents: 3990),
        SeedProduct(code: "SIM-DATA-10GB", name: "Data SIM 10 GB", family: "SIM", euroCents: 1490),
        SeedProduct(code: "SIM-1GB-LEGACY", name: "SIM 1 GB (retired)", family: "SIM", euroCents: 490, active: false),
        SeedProduct(code: "FIBER-300", name: "Fiber 300 Mbit/s", family: "Subscription", euroCents: 3490),
        SeedProduct(code: "FIBER-1000", name: "Fiber 1 Gbit/s", family: "Subscription", euroCents: 5490),
        SeedProduct(code: "TV-BASIC", name: "TV Basic", family: "Subscription", euroCents: 990),
        SeedProduct(code: "TV-PREMIUM", name: "TV Premium", family: "Subscription", euroCents: 2490),
        SeedProduct(code: "CLOUD-BACKUP-100", name: "Cloud Backup 100 GB", family: "Subscription", euroCents: 490),
        SeedProduct(code: "SECURITY-SUITE", name: "Security Suite", family: "Subscription", euroCents: 590),
        SeedProduct(code: "ROUTER-AX3000", name: "Wi-Fi 6 Router AX3000", family: "Hardware", euroCents: 12900),
        SeedProduct(code: "MESH-NODE", name: "Mesh Wi-Fi Node", family: "Hardware", euroCents: 8900),
        SeedProduct(code: "PHONE-A55", name: "Smartphone A55", family: "Hardware", euroCents: 34900),
        SeedProduct(code: "EARBUDS-PRO", name: "Wireless Earbuds Pro", family: "Hardware", euroCents: 9900),
        SeedProduct(code: "USB-C-CHARGER-30W", name: "USB-C Charger 30 W", family: "Hardware", euroCents: 2490),
        SeedProduct(code: "PHONE-CASE", name: "Phone Case", family: "Hardware", euroCents: 1990),
    ]

    static let caseSubjects = [
        "SIM not activated", "Slow mobile data", "Invoice question", "Router keeps rebooting", "Roaming not working",
        "Change of billing address", "Porting my number", "TV channels missing", "Refund for double charge",
    ]
    static let commentBodies = [
        "Thanks for reaching out, we are looking into it.", "Checked the line configuration; escalating to network ops.",
        "Could you restart the device and tell us if it helps?", "Customer confirmed the workaround helps for now.",
    ]

    static func seed(now rawNow: Date) throws -> SalesforceSandboxStore {
        let now = Date(timeIntervalSince1970: rawNow.timeIntervalSince1970.rounded(.down))
        let accountTemplate = try SandboxFixtures.json("salesforce/sobject_account.json")
        let caseTemplate = try SandboxFixtures.json("salesforce/derived/query_cases.json")["records"].array?.first ?? [:]
        let orderTemplate = try SandboxFixtures.json("salesforce/derived/query_orders.json")["records"].array?.first ?? [:]
        let lineTemplate = orderTemplate["OrderItems"]["records"].array?.first ?? [:]
        var account = accountTemplate.object ?? [:]
        account["attributes"] = nil
        var store = SalesforceSandboxStore(objects: SalesforceSandboxSchema.objects(accountFields: Array(account.keys)))
        let stamp = { (date: Date) in JSONValue.string(SalesforceSandboxClock.format(date)) }

        store.insert("User", ["Id": .string(integrationUserID), "Name": "Atrium Integration", "IsActive": true])
        store.insert("User", ["Id": .string(agentUserID), "Name": "Sam Support", "IsActive": true])
        store.insert("Account", account.merging(["PersonEmail": .null, "CurrencyIsoCode": "USD"]) { _, new in new })
        for (id, name, email, street, city, postalCode) in [
            (aliceAccountID, "Alice Demo", aliceEmail, "Vinohradská 12\nFlat 4", "Praha", "120 00"),
            (bobAccountID, "Bob Demo", bobEmail, "Husova 5", "Brno", "602 00"),
        ] {
            var person = account.mapValues { _ in JSONValue.null }
            person.merge([
                "Id": .string(id), "Name": .string(name), "PersonEmail": .string(email), "Type": "Customer - Direct",
                "Phone": id == aliceAccountID ? "+420601000001" : "+420601000002", "BillingStreet": .string(street),
                "BillingCity": .string(city), "BillingPostalCode": .string(postalCode), "BillingCountry": "CZ",
                "BillingAddress": ["street": .string(street), "city": .string(city), "postalCode": .string(postalCode), "country": "CZ"],
                "Description": "Demo customer", "IsDeleted": false, "CurrencyIsoCode": "EUR", "OwnerId": .string(agentUserID),
                "CreatedById": .string(integrationUserID), "CreatedDate": stamp(now.addingTimeInterval(-400 * 86_400)),
            ]) { _, new in new }
            store.insert("Account", person)
        }

        store.insert("Pricebook2", ["Id": .string(standardPricebookID), "Name": "Standard Price Book", "IsStandard": true, "IsActive": true])
        var entries: [String: String] = [:]
        for product in seedProducts {
            let productID = store.insert("Product2", [
                "Name": .string(product.name), "ProductCode": .string(product.code), "Family": .string(product.family),
                "Description": .string("\(product.name) from the demo catalog"), "IsActive": .bool(product.active),
                "CreatedDate": stamp(now.addingTimeInterval(-500 * 86_400)), "CreatedById": .string(integrationUserID), "IsDeleted": false,
            ])
            for (currency, cents) in [("EUR", product.euroCents), ("USD", product.dollarCents)] {
                guard let cents else { continue }
                let entryID = store.insert("PricebookEntry", [
                    "Pricebook2Id": .string(standardPricebookID), "Product2Id": .string(productID), "UnitPrice": SalesforceSandboxStore.amount(cents),
                    "CurrencyIsoCode": .string(currency), "IsActive": .bool(product.active), "UseStandardPrice": false,
                ])
                if currency == "EUR" { entries[product.code] = entryID }
            }
        }

        for (accountID, count) in [(aliceAccountID, 27), (bobAccountID, 4)] {
            seedCases(&store, accountID: accountID, count: count, template: caseTemplate, now: now)
        }
        let orders: [(String, String, Double, [(String, Int)])] = [
            (aliceAccountID, "Activated", 40, [("SIM-20GB", 1), ("ROUTER-AX3000", 1)]),
            (aliceAccountID, "Approved", 10, [("SIM-5GB", 2)]),
            (aliceAccountID, "Draft", 1, [("FIBER-300", 1)]),
            (bobAccountID, "Activated", 20, [("SIM-5GB", 1)]),
        ]
        var order = orderTemplate.object ?? [:]
        order["attributes"] = nil
        order["Account"] = nil
        order["OrderItems"] = nil
        var line = lineTemplate.object ?? [:]
        line["attributes"] = nil
        for (accountID, status, daysAgo, lines) in orders {
            store.orderNumber += 1
            let created = now.addingTimeInterval(-daysAgo * 86_400)
            let orderID = store.insert("Order", order.merging([
                "Id": .string(store.newID("Order")), "OrderNumber": .string(SalesforceSandboxStore.padded(store.orderNumber)),
                "Status": .string(status), "StatusCode": status == "Activated" ? "Activated" : "Draft",
                "EffectiveDate": .string(SalesforceSandboxClock.formatDate(created)), "AccountId": .string(accountID), "CurrencyIsoCode": "EUR",
                "Pricebook2Id": .string(standardPricebookID), "Atrium_Order_Id__c": .null, "Type": "New", "Description": .null,
                "CreatedDate": stamp(created), "CreatedById": .string(integrationUserID), "LastModifiedDate": stamp(created), "IsDeleted": false,
            ]) { _, new in new })
            for (code, quantity) in lines {
                guard let entryID = entries[code], let entry = store.record(entryID) else { continue }
                store.insert("OrderItem", line.merging([
                    "Id": .string(store.newID("OrderItem")), "OrderId": .string(orderID), "PricebookEntryId": .string(entryID),
                    "Product2Id": entry["Product2Id"] ?? .null, "Quantity": .double(Double(quantity)), "UnitPrice": entry["UnitPrice"] ?? .null,
                    "Atrium_Line_Id__c": .null, "CreatedDate": stamp(created), "CreatedById": .string(integrationUserID), "IsDeleted": false,
                ]) { _, new in new })
            }
            store.recomputeTotal(orderID)
        }
        return store
    }

    /// `count` cases of the account, newest first one day apart, cycling through statuses and priorities; every
    /// third has `SLA_Due__c`, and most have public and internal comments.
    private static func seedCases(_ store: inout SalesforceSandboxStore, accountID: String, count: Int, template: JSONValue, now: Date) {
        let statuses = ["New", "Working", "Escalated", "Waiting on Customer", "Closed", "Closed"]
        let priorities = ["Medium", "High", "Low", "Urgent", "Medium"]
        let origins = ["Web", "Phone", "Email"]
        var base = template.object ?? [:]
        base["attributes"] = nil
        for index in 0..<count {
            let created = now.addingTimeInterval(-Double(index) * 93_600 - 7_200)
            let status = statuses[index % statuses.count]
            store.caseNumber += 1
            let caseID = store.insert("Case", base.merging([
                "Id": .string(store.newID("Case")), "CaseNumber": .string(SalesforceSandboxStore.padded(store.caseNumber)),
                "Status": .string(status), "Priority": .string(priorities[index % priorities.count]),
                "Subject": .string(caseSubjects[index % caseSubjects.count]), "Origin": .string(origins[index % origins.count]),
                "AccountId": .string(accountID), "CreatedDate": .string(SalesforceSandboxClock.format(created)),
                "Description": .string("Reported through the portal (case \(index + 1))."),
                "SLA_Due__c": index % 3 == 0 ? .string(SalesforceSandboxClock.format(created.addingTimeInterval(6 * 3600))) : .null,
                "IsClosed": .bool(status == "Closed"),
                "ClosedDate": status == "Closed" ? .string(SalesforceSandboxClock.format(created.addingTimeInterval(2 * 86_400))) : .null,
                "CreatedById": .string(integrationUserID), "LastModifiedDate": .string(SalesforceSandboxClock.format(created)), "IsDeleted": false,
            ]) { _, new in new })
            for comment in 0..<[2, 1, 0, 3][index % 4] {
                store.insert("CaseComment", [
                    "Id": .string(store.newID("CaseComment")), "ParentId": .string(caseID),
                    "CommentBody": .string(commentBodies[(index + comment) % commentBodies.count]), "IsPublished": .bool(comment != 1),
                    "CreatedDate": .string(SalesforceSandboxClock.format(created.addingTimeInterval(Double(comment + 1) * 3600))),
                    "CreatedById": .string(comment % 2 == 0 ? agentUserID : integrationUserID), "IsDeleted": false,
                ])
            }
        }
    }
}
