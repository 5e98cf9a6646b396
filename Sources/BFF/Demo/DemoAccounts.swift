public import Foundation
public import Logging

/// The demo accounts of the embedded default (PRODUCT.md): two customers linked to different demo data in the
/// sandbox upstreams, and one admin. They are seeded only into the memory store, so they never exist when
/// `DATABASE_URL` is set.
public enum DemoAccounts {
    public static let password = "atrium-demo-password"
    public static let tenant = "default"

    public struct Account: Sendable {
        public let email: String
        public let kind: UserKind
        public let roles: [Role]
        public let name: String
        public let links: AccountLinks
    }

    public static let accounts: [Account] = [
        Account(
            email: "alice@demo.atrium.test", kind: .customer, roles: [.customer], name: "Alice Demo",
            links: AccountLinks(
                billingProvider: "stripe", billingCustomerID: "cus_DemoAlice0001", crmAccountID: "001DM00000ALICE1AA", simAccountID: "ACC-ALICE"
            )
        ),
        Account(
            email: "bob@demo.atrium.test", kind: .customer, roles: [.customer], name: "Bob Demo",
            links: AccountLinks(
                billingProvider: "stripe", billingCustomerID: "cus_DemoBob00002", crmAccountID: "001DM00000BOB002AA", simAccountID: "ACC-BOB"
            )
        ),
        Account(email: "ops@demo.atrium.test", kind: .staff, roles: [.admin], name: "Ops Demo", links: AccountLinks()),
    ]

    /// Creates the demo accounts in `store`.
    ///
    /// The three accounts share one bcrypt hash of the published demo password (one hash instead of three keeps
    /// start-up and every test that builds the embedded default fast; sharing a salt reveals nothing that PRODUCT.md
    /// does not already publish).
    ///
    /// - Throws: when the store refuses an account (it is only called on a fresh memory store).
    public static func seed(into store: AtriumStore, pepper: Secret, now: Date, logger: Logger) async throws {
        let hash = try await PasswordHasher(pepper: pepper).hash(password)
        for account in accounts {
            try await store.users.create(
                UserRecord(
                    tenant: tenant, email: account.email, passwordHash: hash, kind: account.kind, roles: account.roles,
                    displayName: account.name, links: account.links, createdAt: now
                )
            )
        }
        logger.notice(
            "demo accounts seeded (embedded default only)",
            metadata: ["accounts": "\(accounts.map(\.email).joined(separator: ", "))", "password": "\(password)"]
        )
    }
}
