public import BFF
import Foundation

/// One behaviour every ``AtriumStore`` backend must show, run by `MemoryStoreConformanceTests` and
/// `PostgresStoreConformanceTests` (each PostgreSQL check in its own freshly migrated schema).
///
/// `makeStore()` returns a store over the check's one backing (memory: the same instance each call; PostgreSQL:
/// a store over the check's schema), empty when the check starts. Times are passed explicitly and are whole
/// seconds, which PostgreSQL's microsecond timestamps keep exactly. A check throws ``CheckFailed`` on failure.
public struct StoreCheck: Sendable, CustomStringConvertible {
    public typealias MakeStore = @Sendable () async throws -> AtriumStore
    public let description: String
    public let run: @Sendable (_ makeStore: MakeStore) async throws -> Void
}

public enum StoreConformance {
    public static let all: [StoreCheck] = userChecks + lockoutChecks + auditChecks + idempotencyChecks + linkChecks

    /// A fixed start time, in whole seconds.
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func at(_ seconds: Int) -> Date { t0.addingTimeInterval(TimeInterval(seconds)) }

    static func account(
        _ email: String,
        tenant: String = "acme",
        kind: UserKind = .customer,
        roles: [Role] = [.customer],
        links: AccountLinks = AccountLinks(),
        createdAt: Date = t0
    ) -> UserRecord {
        UserRecord(
            tenant: tenant,
            email: email,
            passwordHash: "$2b$12$" + String(repeating: "x", count: 53),
            kind: kind,
            roles: roles,
            displayName: "Name of \(email.prefix(3))",
            links: links,
            createdAt: createdAt
        )
    }

    /// Runs `body` and requires it to throw a ``StoreError`` with `code`; other errors propagate as they are.
    static func expectStoreError(_ code: StoreError.Code, line: Int = #line, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as StoreError {
            try expect(error.code == code, "expected StoreError \(code), got \(error)", line: line)
            return
        }
        throw CheckFailed(description: "line \(line): expected StoreError \(code), nothing was thrown")
    }

    // MARK: - Users

    static let userChecks: [StoreCheck] = [
        StoreCheck(description: "a TOTP step is accepted once and only after the last accepted one, per user") { make in
            let store = try await make()
            let alice = account("totp-a@example.test")
            let bob = account("totp-b@example.test")
            try await store.users.create(alice)
            try await store.users.create(bob)
            try expect(try await store.users.claimTOTPStep(id: alice.id, step: 100), "first step refused")
            try expect(try await !store.users.claimTOTPStep(id: alice.id, step: 100), "the same step accepted twice")
            try expect(try await !store.users.claimTOTPStep(id: alice.id, step: 99), "an earlier step accepted")
            try expect(try await store.users.claimTOTPStep(id: bob.id, step: 100), "another user's step refused")
            try expect(try await store.users.claimTOTPStep(id: alice.id, step: 101), "the next step refused")
            try expect(try await !store.users.claimTOTPStep(id: UUID(), step: 500), "an unknown user's step accepted")
            let racing = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await store.users.claimTOTPStep(id: bob.id, step: 200) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try expect(racing == 1, "\(racing) of 8 concurrent uses of one step accepted")
        },
        StoreCheck(description: "create, then look up by id and by email in any case; unknown ids and emails are nil") { make in
            let users = try await make().users
            let links = AccountLinks(billingProvider: "stripe", billingCustomerID: "cus_1", crmAccountID: "001A", simAccountID: "ACC-1")
            let alice = account("  Alice@Example.COM ", links: links)
            try await users.create(alice)
            var expected = alice
            expected.email = "alice@example.com"
            let byID = try await users.user(id: alice.id)
            try expect(byID == expected, "lookup by id: \(String(describing: byID))")
            try expect(try await users.user(email: "ALICE@example.com\n") == expected, "lookup by email in another case")
            try expect(try await users.user(email: "bob@example.com") == nil, "unknown email found")
            try expect(try await users.user(id: UUID()) == nil, "unknown id found")

            let staff = account("ops@example.com", kind: .staff, roles: [.ops, .admin, .finance])
            try await users.create(staff)
            let stored = try await users.user(id: staff.id)
            try expect(stored?.roles == [.ops, .admin, .finance] && stored?.kind == .staff, "staff roles: \(String(describing: stored?.roles))")
            try expect(stored?.links == AccountLinks(), "an account created without links has none")
        },
        StoreCheck(description: "the same email in another case, or the same id, is a conflict") { make in
            let users = try await make().users
            let alice = account("alice@example.com")
            try await users.create(alice)
            try await expectStoreError(.conflict) { try await users.create(account("ALICE@EXAMPLE.COM")) }
            try await expectStoreError(.conflict) { try await users.create(account(" alice@example.com ", tenant: "other")) }
            var sameID = account("carol@example.com")
            sameID.id = alice.id
            try await expectStoreError(.conflict) { try await users.create(sameID) }
            try expect(try await users.users(tenant: nil, offset: 0, limit: 10).map(\.id) == [alice.id], "a refused account was stored")
            try expect(try await users.user(id: alice.id) == alice, "the first account changed")
        },
        StoreCheck(description: "changing an unknown account is not found") { make in
            let users = try await make().users
            let id = UUID()
            try await expectStoreError(.notFound) { _ = try await users.recordLoginFailure(id: id, now: t0, policy: LockoutPolicy()) }
            try await expectStoreError(.notFound) { try await users.recordLoginSuccess(id: id) }
            try await expectStoreError(.notFound) { try await users.updatePassword(id: id, passwordHash: "h", now: t0) }
            try await expectStoreError(.notFound) { try await users.setMFA(id: id, secret: "JBSWY3DPEHPK3PXP", enabled: true) }
            try await expectStoreError(.notFound) { try await users.updateLinks(id: id, links: AccountLinks(crmAccountID: "001X")) }
            try expect(try await users.user(id: id) == nil, "a change created an account")
        },
        StoreCheck(description: "password, MFA and link updates are stored and change nothing else") { make in
            let users = try await make().users
            let alice = account("alice@example.com")
            try await users.create(alice)
            var expected = alice

            try await users.updatePassword(id: alice.id, passwordHash: "$2b$12$new", now: at(100))
            expected.passwordHash = "$2b$12$new"
            expected.passwordChangedAt = at(100)
            try expect(try await users.user(id: alice.id) == expected, "after a password change")

            try await users.setMFA(id: alice.id, secret: "JBSWY3DPEHPK3PXP", enabled: false)
            expected.mfaSecret = "JBSWY3DPEHPK3PXP"
            try expect(try await users.user(id: alice.id) == expected, "after MFA enrolment (pending)")
            try await users.setMFA(id: alice.id, secret: "JBSWY3DPEHPK3PXP", enabled: true)
            expected.mfaEnabled = true
            try expect(try await users.user(id: alice.id) == expected, "after MFA verification")
            try await users.setMFA(id: alice.id, secret: nil, enabled: true)
            expected.mfaSecret = nil
            expected.mfaEnabled = false
            try expect(try await users.user(id: alice.id) == expected, "removing the secret disables MFA")

            let links = AccountLinks(billingProvider: "whmcs", billingCustomerID: "42", crmAccountID: "001B", simAccountID: "ACC-B")
            try await users.updateLinks(id: alice.id, links: links)
            expected.links = links
            try expect(try await users.user(email: "alice@example.com") == expected, "after linking accounts")
            try await users.updateLinks(id: alice.id, links: AccountLinks(crmAccountID: "001B"))
            expected.links = AccountLinks(crmAccountID: "001B")
            try expect(try await users.user(id: alice.id) == expected, "after unlinking all but the CRM account")
        },
        StoreCheck(description: "an external account links to one user only") { make in
            let users = try await make().users
            let links = AccountLinks(billingProvider: "stripe", billingCustomerID: "cus_A", crmAccountID: "001A", simAccountID: "ACC-A")
            let alice = account("alice@example.com", links: links)
            try await users.create(alice)
            try await expectStoreError(.conflict) { try await users.create(account("eve@example.com", links: AccountLinks(simAccountID: "ACC-A"))) }
            let bob = account("bob@example.com")
            try await users.create(bob)
            // The same customer id at another billing provider is another customer.
            let bobLinks = AccountLinks(billingProvider: "whmcs", billingCustomerID: "cus_A")
            try await users.updateLinks(id: bob.id, links: bobLinks)
            for stolen in [
                AccountLinks(billingProvider: "stripe", billingCustomerID: "cus_A"), AccountLinks(crmAccountID: "001A"),
                AccountLinks(simAccountID: "ACC-A"),
            ] {
                try await expectStoreError(.conflict) { try await users.updateLinks(id: bob.id, links: stolen) }
            }
            try expect(try await users.user(id: bob.id)?.links == bobLinks, "a refused link changed bob's links")
            try await users.updateLinks(id: alice.id, links: links)  // relinking one's own accounts is fine
            try expect(try await users.user(id: alice.id)?.links == links, "alice's links changed")
            try expect(try await users.user(email: "eve@example.com") == nil, "a refused account was stored")
        },
        StoreCheck(description: "listing is in creation order, filtered by tenant, with offset and limit") { make in
            let users = try await make().users
            let accounts = (0..<6).map { index in
                account("user\(index)@example.com", tenant: index % 2 == 0 ? "even" : "odd", createdAt: at(index * 10))
            }
            for index in [3, 0, 5, 1, 4, 2] { try await users.create(accounts[index]) }
            let all = try await users.users(tenant: nil, offset: 0, limit: 100)
            try expect(all.map(\.id) == accounts.map(\.id), "order: \(all.map(\.email))")
            try expect(all == accounts, "listed records differ from created ones")
            let odd = try await users.users(tenant: "odd", offset: 0, limit: 100)
            try expect(odd.map(\.email) == ["user1@example.com", "user3@example.com", "user5@example.com"], "odd: \(odd.map(\.email))")
            let page = try await users.users(tenant: nil, offset: 2, limit: 3)
            try expect(page.map(\.id) == Array(accounts[2..<5].map(\.id)), "page: \(page.map(\.email))")
            try expect(try await users.users(tenant: nil, offset: 0, limit: 0).isEmpty, "limit 0 listed accounts")
            try expect(try await users.users(tenant: "none", offset: 0, limit: 10).isEmpty, "unknown tenant listed accounts")
        },
    ]
}
