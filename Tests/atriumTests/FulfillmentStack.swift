import AsyncHTTPClient
import Domain
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import RedisClient
import Sandbox
import TestSupport
import Testing

/// Atrium as operators run it, for end-to-end tests: the sandbox upstreams in this test process (so a test can read
/// their state), one `atrium serve` process and `atrium worker` processes, all on the test Redis (a database of
/// its own, flushed first) and the test PostgreSQL, talking over real HTTP.
final class FulfillmentStack: Sendable {
    let sandboxes: SandboxUpstreams
    let server: AtriumProcess
    let port: Int
    let environment: [String: String]
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    /// Accounts this stack created, deleted (with their orders) by ``stop()``.
    private let emails = NIOLockedValueBox([String]())

    /// The Redis database the stack uses (flushed at start): its queues never meet other tests' keys.
    static let redisDatabase = 7
    static let password = "e2e-Correct-Horse-7"

    private init(sandboxes: SandboxUpstreams, server: AtriumProcess, port: Int, environment: [String: String]) {
        self.sandboxes = sandboxes
        self.server = server
        self.port = port
        self.environment = environment
    }

    static func redisURL() -> String {
        let base = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"
        var components = URLComponents(string: base)
        components?.path = "/\(redisDatabase)"
        return components?.string ?? base
    }

    static func databaseURL() -> String {
        ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres"
    }

    /// Starts the sandboxes and the server; the caller starts workers (``startWorker()``) and calls ``stop()``.
    static func start(
        simOperationDelay: Duration = .milliseconds(300), simPoolSize: Int = 200, extraEnvironment: [String: String] = [:]
    ) async throws -> FulfillmentStack {
        let sandboxes = try await SandboxUpstreams.start(simOperationDelay: simOperationDelay, simPoolSize: simPoolSize)
        let port = try freeLoopbackPort()
        for upstream in sandboxes.all {
            upstream.control.webhookURL = "http://127.0.0.1:\(port)/webhooks/\(upstream.upstream.rawValue)"
        }
        let redis = redisURL()
        let pool = RedisPool(configuration: try RedisConfiguration(url: redis))
        _ = try await pool.send("FLUSHDB")
        await pool.close()
        let salesforce = sandboxes.salesforce.credentials
        let sim = sandboxes.sim.credentials
        var environment: [String: String] = [
            "REDIS_URL": redis,
            "DATABASE_URL": databaseURL(),
            "ATRIUM_PORT": "\(port)",
            "ATRIUM_JWT_SECRET": String(repeating: "j", count: 48),
            "ATRIUM_PASSWORD_PEPPER": String(repeating: "p", count: 32),
            "ATRIUM_LOG_LEVEL": "warning",
            "ATRIUM_UPSTREAMS": "live",
            "STRIPE_API_BASE": sandboxes.baseURL(.stripe),
            "STRIPE_API_KEY": sandboxes.stripe.apiKey,
            "STRIPE_WEBHOOK_SECRET": sandboxes.stripe.webhookSecret,
            "WHMCS_URL": sandboxes.baseURL(.whmcs),
            "WHMCS_IDENTIFIER": sandboxes.whmcs.secrets.identifier,
            "WHMCS_SECRET": sandboxes.whmcs.secrets.secret,
            "WHMCS_WEBHOOK_SECRET": sandboxes.whmcs.secrets.webhookSecret,
            "SALESFORCE_LOGIN_URL": sandboxes.baseURL(.salesforce),
            "SALESFORCE_CLIENT_ID": salesforce["client_id"] ?? "",
            "SALESFORCE_CLIENT_SECRET": salesforce["client_secret"] ?? "",
            "SALESFORCE_WEBHOOK_SECRET": salesforce["webhook_secret"] ?? "",
            "SIM_API_URL": sandboxes.baseURL(.sim),
            "SIM_AUTH_KEY": "\(sim["oem_id"] ?? ""):\(sim["oem_key"] ?? "")",
            "SIM_WEBHOOK_SECRET": sim["webhook_secret"] ?? "",
            "SUPPLIER_FEEDS": sandboxes.baseURL(.supplier),
            "SUPPLIER_API_KEY": sandboxes.supplier.apiKey,
            "SUPPLIER_WEBHOOK_SECRET": sandboxes.supplier.webhookSecret,
        ]
        environment.merge(extraEnvironment) { $1 }
        let server = try AtriumProcess.start(["serve"], environment: environment)
        let stack = FulfillmentStack(sandboxes: sandboxes, server: server, port: port, environment: environment)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let health = try? await stack.call("GET", "/health"), health.status == 200 { return stack }
            try await Task.sleep(for: .milliseconds(100))
        }
        await stack.stop()
        throw AtriumProcess.ProcessError.noOutput(text: "/health answering", stdout: server.stdout, stderr: server.stderr)
    }

    /// An `atrium worker` process on the order queues.
    func startWorker(extraArguments: [String] = []) throws -> AtriumProcess {
        try AtriumProcess.start(
            ["worker", "--queues", "fulfillment,webhooks,notifications", "--concurrency", "16", "--lease-seconds", "3"] + extraArguments,
            environment: environment
        )
    }

    func stop() async {
        server.forceStop()
        await sandboxes.stop()
        try? await client.shutdown()
        for email in emails.withLockedValue({ $0 }) { _ = try? await TestDatabase.deleteAccount(email: email) }
    }

    // MARK: Accounts

    /// Creates a customer linked to alice's demo accounts in the sandboxes, or a staff member, with `atrium user
    /// create`, and signs in; returns the access token.
    func account(staffRole: String? = nil) async throws -> (id: String, token: String) {
        let email = "e2e-\(UUID().uuidString.prefix(12).lowercased())@demo.atrium.test"
        emails.withLockedValue { $0.append(email) }
        var arguments = ["user", "create", "--email", email, "--tenant", "demo"]
        if let staffRole {
            arguments += ["--role", staffRole]
        } else {
            // One external account belongs to one user: an earlier test's account linked to alice's demo data goes.
            try await TestDatabase.releaseLinks(
                billingCustomerID: StripeSandbox.aliceCustomerID, crmAccountID: SalesforceSandbox.aliceAccountID,
                simAccountID: SIMSandbox.aliceAccountID
            )
            arguments += [
                "--role", "customer", "--billing", "stripe:\(StripeSandbox.aliceCustomerID)",
                "--crm-account", SalesforceSandbox.aliceAccountID, "--sim-account", SIMSandbox.aliceAccountID,
            ]
        }
        let created = try AtriumProcess.run(arguments, environment: environment.merging(["ATRIUM_NEW_USER_PASSWORD": Self.password]) { $1 })
        try #require(created.status == 0, "user create failed: \(created.stderr)")
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let login = try await call("POST", "/api/v1/auth/login", json: ["email": email, "password": Self.password])
        try #require(login.status == 200, "login \(login.status): \(login.text)")
        let token = try #require(login.json["access_token"] as? String)
        return (id, token)
    }

    // MARK: HTTP

    struct Reply {
        let status: Int
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    func call(_ method: String, _ path: String, token: String? = nil, json: [String: Any]? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 22)
        return Reply(status: Int(response.status.code), body: Data(buffer: body))
    }

    /// Polls the order until `done` holds (at most `limit`); the last reply.
    func waitForOrder(_ id: String, token: String, within limit: Duration = .seconds(60), until done: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + limit
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            let reply = try await call("GET", "/api/v1/orders/\(id)", token: token)
            last = reply.json
            if reply.status == 200, done(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("order \(id) did not reach the expected state in time; last: \(last)")
        return last
    }

    /// The order's timeline steps as `step/outcome` strings.
    static func timeline(_ order: [String: Any]) -> [String] {
        ((order["timeline"] as? [[String: Any]]) ?? []).map { "\($0["step"] ?? "")/\($0["outcome"] ?? "")" }
    }
}
