public import BFF
import Foundation

extension StoreConformance {
    static let linkChecks: [StoreCheck] = [
        StoreCheck(description: "a user is found by each linked external id; a billing id only at its provider") { make in
            let users = try await make().users
            let alice = account(
                "alice@example.com",
                links: AccountLinks(billingProvider: "stripe", billingCustomerID: "cus_A", crmAccountID: "001A", simAccountID: "ACC-A")
            )
            // The same customer id at another billing provider is another customer.
            let bob = account("bob@example.com", links: AccountLinks(billingProvider: "whmcs", billingCustomerID: "cus_A"))
            let carol = account("carol@example.com")
            for user in [alice, bob, carol] { try await users.create(user) }

            try expect(try await users.user(linkedTo: .billing(provider: "stripe"), externalID: "cus_A") == alice, "stripe cus_A")
            try expect(try await users.user(linkedTo: .billing(provider: "whmcs"), externalID: "cus_A") == bob, "whmcs cus_A")
            try expect(try await users.user(linkedTo: .crm, externalID: "001A") == alice, "CRM account")
            try expect(try await users.user(linkedTo: .sim, externalID: "ACC-A") == alice, "SIM account")
            for (system, id) in [
                (AccountLinkSystem.billing(provider: "stripe"), "cus_B"), (.billing(provider: "stripe"), "cus_a"),
                (.billing(provider: "whmcs"), "001A"), (.crm, "ACC-A"), (.sim, "001A"), (.crm, ""), (.sim, "cus_A"),
            ] {
                try expect(try await users.user(linkedTo: system, externalID: id) == nil, "\(system) \(id) found a user")
            }

            // Links follow updates: an unlinked id finds nobody, a newly linked one finds its user.
            try await users.updateLinks(id: alice.id, links: AccountLinks(crmAccountID: "001A"))
            try await users.updateLinks(
                id: carol.id, links: AccountLinks(billingProvider: "stripe", billingCustomerID: "cus_A", simAccountID: "ACC-A"))
            var carolNow = carol
            carolNow.links = AccountLinks(billingProvider: "stripe", billingCustomerID: "cus_A", simAccountID: "ACC-A")
            try expect(try await users.user(linkedTo: .billing(provider: "stripe"), externalID: "cus_A") == carolNow, "relinked billing id")
            try expect(try await users.user(linkedTo: .sim, externalID: "ACC-A") == carolNow, "relinked SIM account")
            try expect(try await users.user(linkedTo: .crm, externalID: "001A")?.id == alice.id, "kept CRM account")
        }
    ]
}
