import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Sandbox
import TestSupport
import Testing

/// Real responses of the running server validated against the contract: each answer's status must be documented
/// for its operation, and its body must match the documented schema for that status and media type.
@Suite("OpenAPI contract against real responses")
struct ContractResponseTests {
    static let logger = Logger(label: "test.contract")
    static let password = "contract-test-password-1"

    // MARK: - The embedded default

    @Test func systemRoutesAndErrorsMatchTheContract() async throws {
        let app = try await buildApplication(config: AtriumConfig(), logger: Self.logger)
        let contract = ContractChecker()
        try await app.test(.router) { client in
            try await contract.check(client, .get, "/health")
            try await contract.check(client, .get, "/ready")
            try await contract.check(client, .get, "/openapi.json")
            try await contract.check(client, .get, "/docs")
            try await contract.check(client, .get, "/metrics")
            // Unknown routes are not operations, but their problem body is the contract's Problem.
            let unknown = try await client.execute(uri: "/api/v1/nope", method: .get)
            #expect(unknown.status == .notFound)
            #expect(contract.validator.validate(try ContractChecker.json(unknown), schemaNamed: "Problem") == [])
        }
        #expect(contract.checked.count == 5)
    }

    @Test func authAndPortalFlowOnTheEmbeddedDefaultMatchesTheContract() async throws {
        let app = try await buildApplication(config: AtriumConfig(), logger: Self.logger)
        let contract = ContractChecker()
        try await app.test(.router) { client in
            let email = "contract-\(UUID().uuidString.prefix(8).lowercased())@example.test"
            try await contract.check(client, .post, "/api/v1/auth/register", json: #"{"email": "\#(email)", "password": "\#(Self.password)"}"#, expect: .created)
            try await contract.check(client, .post, "/api/v1/auth/register", json: #"{"email": "\#(email)", "password": "\#(Self.password)"}"#, expect: .conflict)
            try await contract.check(client, .post, "/api/v1/auth/register", json: #"{"email": "x@example.test", "password": "short"}"#, expect: .badRequest)
            try await contract.check(client, .post, "/api/v1/auth/login", json: #"{"email": "\#(email)", "password": "wrong-password-1"}"#, expect: .unauthorized)
            let login = try await contract.check(client, .post, "/api/v1/auth/login", json: #"{"email": "\#(email)", "password": "\#(Self.password)"}"#)
            let token = try #require(login["access_token"]?.stringValue)
            // An account with no links: empty lists and not-linked sections, still in the documented shapes.
            for path in ["/api/v1/me", "/api/v1/dashboard", "/api/v1/invoices", "/api/v1/subscriptions", "/api/v1/payment-methods", "/api/v1/sims", "/api/v1/cases", "/api/v1/catalog"] {
                try await contract.check(client, .get, path, token: token)
            }
            try await contract.check(client, .get, "/api/v1/invoices/in_nope", template: "/api/v1/invoices/{id}", token: token, expect: .notFound)
            try await contract.check(client, .get, "/api/v1/me", expect: .unauthorized)
            try await contract.check(client, .get, "/api/v1/invoices?limit=abc", template: "/api/v1/invoices", token: token, expect: .badRequest)
        }
        #expect(contract.checked.count == 11)
    }

    // MARK: - Linked to the sandbox's demo data

    @Test func everyOperationWithDemoDataMatchesTheContract() async throws {
        let sandboxes = try await SandboxUpstreams.start(logger: Self.logger)
        let services = AppServices(
            config: AtriumConfig(),
            store: .memory(),
            cache: Cache(store: MemoryCacheStore(), logger: Self.logger),
            providers: ProviderRegistry(sandboxes: sandboxes, logger: Self.logger),
            jobs: .memory(),
            redis: nil,
            jwtSecret: Secret(String(repeating: "contract-jwt-secret-", count: 3)),
            passwordPepper: Secret(String(repeating: "contract-pepper-", count: 3)),
            clock: Self.steppingClock(),
            logger: Self.logger
        )
        let app = Application(router: buildRouter(services: services, health: HealthController(checks: [])))
        let contract = ContractChecker()
        do {
            try await app.test(.router) { client in
                try await Self.runDemoFlow(client, services: services, contract: contract)
            }
        } catch {
            await sandboxes.stop()
            throw error
        }
        await sandboxes.stop()
        // The webhook receivers' real answers are checked by WebhookContractTests (signed sandbox deliveries), the
        // admin routes' by AdminCustomerContractTests and AdminQueueContractTests (staff tokens, seeded queues).
        let documented = Set(
            OpenAPIDocument.atrium.operations.filter { !$0.path.hasPrefix("/webhooks/") && !$0.path.hasPrefix("/api/v1/admin/") }
                .map { "\($0.method) \($0.path)" }
        )
        let missing = documented.subtracting(contract.checked.map { "\($0.method) \($0.path)" })
        // The system routes are checked on the embedded default above.
        #expect(missing == ["GET /health", "GET /ready", "GET /openapi.json", "GET /docs", "GET /metrics"], "operations no real response was checked for: \(missing.sorted())")
    }

    /// A clock that moves 250 ms each time it is read, so the ~40 requests of the flow refill the rate-limit
    /// bucket (burst 20) as a client pacing itself would, without the test waiting.
    static func steppingClock() -> AppClock {
        let start = Date()
        let reads = NIOLockedValueBox(0)
        return AppClock {
            let count = reads.withLockedValue { value in
                value += 1
                return value
            }
            return start.addingTimeInterval(Double(count) * 0.25)
        }
    }

    static func runDemoFlow(_ client: some TestClientProtocol, services: AppServices, contract: ContractChecker) async throws {
        let email = "alice-\(UUID().uuidString.prefix(8).lowercased())@example.test"
        let account = try await contract.check(client, .post, "/api/v1/auth/register", json: #"{"email": "\#(email)", "password": "\#(password)", "name": "Alice"}"#, expect: .created)
        let id = try #require(account["id"]?.stringValue.flatMap(UUID.init(uuidString:)))
        let links = AccountLinks(
            billingProvider: "stripe", billingCustomerID: StripeSandbox.aliceCustomerID, crmAccountID: SalesforceSandbox.aliceAccountID,
            simAccountID: SIMSandbox.aliceAccountID
        )
        try await services.store.users.updateLinks(id: id, links: links)
        let login = try await contract.check(client, .post, "/api/v1/auth/login", json: #"{"email": "\#(email)", "password": "\#(password)"}"#)
        let token = try #require(login["access_token"]?.stringValue)
        let refresh = try #require(login["refresh_token"]?.stringValue)

        try await contract.check(client, .get, "/api/v1/me", token: token)
        let dashboard = try await contract.check(client, .get, "/api/v1/dashboard", token: token)
        #expect(dashboard["billing"]?["status"] == "ok" && dashboard["sims"]?["status"] == "ok", "the dashboard was not read with data")

        let invoices = try await contract.check(client, .get, "/api/v1/invoices?limit=2", template: "/api/v1/invoices", token: token)
        let invoiceID = try #require(invoices["data"]?.arrayValue?.first?["id"]?.stringValue, "alice has no invoices")
        try await contract.check(client, .get, "/api/v1/invoices/\(invoiceID)", template: "/api/v1/invoices/{id}", token: token)
        if let cursor = invoices["next_cursor"]?.stringValue {
            let next = "/api/v1/invoices?limit=2&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)"
            try await contract.check(client, .get, next, template: "/api/v1/invoices", token: token)
        }
        try await contract.check(client, .get, "/api/v1/subscriptions", token: token)
        try await contract.check(client, .get, "/api/v1/payment-methods", token: token)

        let sims = try await contract.check(client, .get, "/api/v1/sims", token: token)
        let lineID = try #require(sims["data"]?.arrayValue?.first?["id"]?.stringValue, "alice has no SIM lines")
        try await contract.check(client, .get, "/api/v1/sims/\(lineID)", template: "/api/v1/sims/{id}", token: token)
        try await contract.check(client, .get, "/api/v1/sims/\(lineID)/usage", template: "/api/v1/sims/{id}/usage", token: token)
        let plan = sims["data"]?.arrayValue?.first?["plan"]?.stringValue == SIMSandbox.plan20GB ? SIMSandbox.plan5GB : SIMSandbox.plan20GB
        let key: HTTPFields = [EdgeHeaders.idempotencyKey: UUID().uuidString]
        let planChange = "/api/v1/sims/\(lineID)/plan-change"
        try await contract.check(client, .post, planChange, template: "/api/v1/sims/{id}/plan-change", token: token, json: #"{"plan": "\#(plan)"}"#, headers: key, expect: .accepted)
        try await contract.check(client, .post, planChange, template: "/api/v1/sims/{id}/plan-change", token: token, json: #"{"plan": "\#(plan)"}"#, headers: key, expect: .accepted)
        try await contract.check(client, .post, planChange, template: "/api/v1/sims/{id}/plan-change", token: token, json: #"{"plan": "OTHER"}"#, headers: key, expect: .unprocessableContent)
        try await contract.check(client, .get, "/api/v1/sims/nope", template: "/api/v1/sims/{id}", token: token, expect: .notFound)

        let catalog = try await contract.check(client, .get, "/api/v1/catalog?limit=3", template: "/api/v1/catalog", token: token)
        let sku = try #require(catalog["data"]?.arrayValue?.first?["sku"]?.stringValue, "the catalog is empty")
        try await contract.check(client, .get, "/api/v1/catalog/\(sku)", template: "/api/v1/catalog/{sku}", token: token)
        try await contract.check(client, .get, "/api/v1/catalog?kind=nope", template: "/api/v1/catalog", token: token, expect: .badRequest)

        try await contract.check(client, .get, "/api/v1/cases", token: token)
        let created = try await contract.check(client, .post, "/api/v1/cases", token: token, json: #"{"subject": "Contract check", "description": "x", "priority": "low"}"#, expect: .created)
        let caseID = try #require(created["id"]?.stringValue)
        try await contract.check(client, .get, "/api/v1/cases/\(caseID)", template: "/api/v1/cases/{id}", token: token)
        try await contract.check(client, .post, "/api/v1/cases/\(caseID)/comments", template: "/api/v1/cases/{id}/comments", token: token, json: #"{"body": "Thanks"}"#, expect: .created)
        try await contract.check(client, .post, "/api/v1/cases", token: token, json: #"{"subject": 1}"#, expect: .badRequest)

        try await OrderContractFlow.run(client, services: services, contract: contract, token: token)
        try await AdminOperationsContractFlow.run(client, services: services, contract: contract)

        try await contract.check(client, .post, "/api/v1/auth/mfa/enroll", token: token)
        try await contract.check(client, .post, "/api/v1/auth/mfa/verify", token: token, json: #"{"code": "000000"}"#, expect: .badRequest)
        let refreshed = try await contract.check(client, .post, "/api/v1/auth/refresh", json: #"{"refresh_token": "\#(refresh)"}"#)
        try await contract.check(client, .post, "/api/v1/auth/refresh", json: #"{"refresh_token": "\#(refresh)"}"#, expect: .unauthorized)
        let token2 = try #require(refreshed["access_token"]?.stringValue)
        try await contract.check(client, .post, "/api/v1/auth/logout", token: token2, expect: .noContent)
        let again = try await contract.check(client, .post, "/api/v1/auth/login", json: #"{"email": "\#(email)", "password": "\#(password)"}"#)
        let token3 = try #require(again["access_token"]?.stringValue)
        try await contract.check(client, .post, "/api/v1/auth/password", token: token3, json: #"{"current_password": "\#(password)", "new_password": "another-password-2"}"#, expect: .noContent)
    }
}
