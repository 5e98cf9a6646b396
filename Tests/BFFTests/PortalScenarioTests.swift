import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import PostgresNIO
import TestSupport
import Testing

/// The customer's whole journey through the portal API — register → login → dashboard → invoices → refresh →
/// logout — on the memory backends and on real PostgreSQL + Redis, against the sandbox upstreams.
@Suite("Portal scenario", .serialized)
struct PortalScenarioTests {
    static let logger = Logger(label: "test")

    @Test func scenarioOnMemoryBackends() async throws {
        let app = try await buildApplication(config: AtriumConfig(), logger: Self.logger)
        try await app.test(.router) { client in
            try await Self.scenario(client, email: "carol-\(UUID().uuidString.prefix(8))@example.test") { _ in
                // The embedded default has no way to link a self-registered account to upstream data yet; the demo
                // account alice is linked to the sandbox data, so the linked part runs as alice.
                "alice@demo.atrium.test"
            }
        }
    }

    @Test func scenarioOnPostgresAndRedis() async throws {
        let database = try TestEnv.database
        _ = try await migrateDatabase(database, logger: Self.logger)
        var config = AtriumConfig()
        config.redis = try TestEnv.redis
        config.database = database
        config.jwtSecret = Secret(String(repeating: "s", count: 40))
        config.passwordPepper = Secret("scenario-pepper-0123456789")
        let app = try await buildApplication(config: config, logger: Self.logger)
        try await app.test(.router) { client in
            try await Self.scenario(client, email: "dave-\(UUID().uuidString.prefix(8))@example.test") { email in
                // An operator links the registered account to its billing, CRM and SIM records.
                try await Self.link(email: email, database: database, to: AccountLinks(
                    billingProvider: "stripe", billingCustomerID: "cus_DemoAlice0001", crmAccountID: "001DM00000ALICE1AA", simAccountID: "ACC-ALICE"
                ))
                return email
            }
        }
    }

    // MARK: - The scenario

    /// Runs the journey; `linked(email)` makes sure an account linked to upstream data exists and returns its email.
    static func scenario(_ client: some TestClientProtocol, email: String, linked: (String) async throws -> String) async throws {
        let password = "correct horse battery staple"
        let registered = try await client.scenarioJSON(.post, "/api/v1/auth/register", body: ["email": email, "password": password, "name": "Scenario"])
        #expect(registered.status == .created, "\(registered.text)")

        let who = try await linked(email)
        let linkedPassword = who == email ? password : DemoAccounts.password
        let login = try await client.scenarioJSON(.post, "/api/v1/auth/login", body: ["email": who, "password": linkedPassword])
        #expect(login.status == .ok, "\(login.text)")
        let access = try #require(login.object["access_token"] as? String)
        let refresh = try #require(login.object["refresh_token"] as? String)
        #expect(login.object["token_type"] as? String == "Bearer")

        let me = try await client.scenarioJSON(.get, "/api/v1/me", token: access)
        #expect(me.status == .ok, "\(me.text)")
        #expect(me.object["email"] as? String == who.lowercased())

        let dashboard = try await client.scenarioJSON(.get, "/api/v1/dashboard", token: access)
        #expect(dashboard.status == .ok, "\(dashboard.text)")
        for section in ["billing", "crm", "sims"] {
            let body = dashboard.object[section] as? [String: Any]
            #expect(body?["status"] as? String == "ok", "\(section): \(dashboard.text)")
        }

        let invoices = try await client.scenarioJSON(.get, "/api/v1/invoices?limit=5", token: access)
        #expect(invoices.status == .ok, "\(invoices.text)")
        let data = try #require(invoices.object["data"] as? [[String: Any]])
        #expect(!data.isEmpty && data.count <= 5)
        #expect(invoices.headers[HTTPField.Name("X-Cache")!] == "MISS")
        let again = try await client.scenarioJSON(.get, "/api/v1/invoices?limit=5", token: access)
        #expect(again.headers[HTTPField.Name("X-Cache")!] == "HIT")
        let first = try #require(data.first?["id"] as? String)
        let one = try await client.scenarioJSON(.get, "/api/v1/invoices/\(first)", token: access)
        #expect(one.status == .ok, "\(one.text)")

        let refreshed = try await client.scenarioJSON(.post, "/api/v1/auth/refresh", body: ["refresh_token": refresh])
        #expect(refreshed.status == .ok, "\(refreshed.text)")
        let newAccess = try #require(refreshed.object["access_token"] as? String)
        let newRefresh = try #require(refreshed.object["refresh_token"] as? String)
        #expect(newRefresh != refresh)
        #expect(try await client.scenarioJSON(.get, "/api/v1/me", token: newAccess).status == .ok)

        let logout = try await client.scenarioJSON(.post, "/api/v1/auth/logout", body: ["refresh_token": newRefresh], token: newAccess)
        #expect(logout.status == .noContent || logout.status == .ok, "\(logout.text)")
        let afterLogout = try await client.scenarioJSON(.post, "/api/v1/auth/refresh", body: ["refresh_token": newRefresh])
        #expect(afterLogout.status == .unauthorized, "\(afterLogout.text)")
    }

    static func link(email: String, database: DatabaseConfiguration, to links: AccountLinks) async throws {
        let client = PostgresClient(configuration: .init(database), backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            // An earlier run's account may still hold these demo ids (one external account belongs to one user).
            try await TestDatabase.releaseLinks(
                billingCustomerID: links.billingCustomerID, crmAccountID: links.crmAccountID, simAccountID: links.simAccountID
            )
            let store = AtriumStore.postgres(client: client, logger: logger)
            let user = try #require(try await store.users.user(email: email))
            try await store.users.updateLinks(id: user.id, links: links)
            group.cancelAll()
        }
    }
}

/// A response read as JSON.
struct ScenarioResponse {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
}

extension TestClientProtocol {
    func scenarioJSON(_ method: HTTPRequest.Method, _ uri: String, body: [String: Any]? = nil, token: String? = nil, headers extra: HTTPFields = [:]) async throws -> ScenarioResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
        }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            ScenarioResponse(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }
}
