public import Domain
import Foundation
public import Hummingbird
import NIOConcurrencyHelpers

/// A Salesforce-like CRM org: the OAuth token endpoint and a slice of the REST API (SOQL queries with
/// `nextRecordsUrl` paging, sObject get/create/update/upsert by external id), stateful in memory.
///
/// Auth: `POST /services/oauth2/token` with `grant_type=client_credentials`, `client_id`, `client_secret` (form)
/// answers `{"access_token", "instance_url", "id", "token_type", "issued_at", "signature"}`; the instance URL is
/// this server (from the request's `Host`). Data calls need `Authorization: Bearer <token>`; an unknown or expired
/// token (see ``expireTokens()``) is `401 [{"errorCode": "INVALID_SESSION_ID"}]`.
///
/// Queries: the SOQL subset of ``SalesforceSOQLQuery``; batches follow `Sforce-Query-Options: batchSize=N`,
/// clamped to `minimumBatchSize...2000` (`minimumBatchSize` stands in for Salesforce's 200, so paging shows
/// with a few dozen records); without the header a batch is 2000.
///
/// Webhooks: when an order's `Status` changes (through the API or ``setOrderStatus(id:to:)``), an
/// `OrderChangeEvent` Change Data Capture message (the Streaming API's JSON envelope) is POSTed to the control's
/// webhook URL with `X-Salesforce-Timestamp: <unix seconds>` and `X-Salesforce-Signature: <hex HMAC-SHA256 of
/// "<timestamp>.<body>" under the webhook secret>`.
///
/// Operation names: `POST /services/oauth2/token`, `GET /query <Object>` (first and later batches alike),
/// `GET /sobjects/<Object>/{id}`, `POST /sobjects/<Object>`, `PATCH /sobjects/<Object>/{id}`,
/// `GET|PATCH /sobjects/<Object>/<ExternalIdField>/{value}`.
public final class SalesforceSandbox: SandboxUpstream {
    public struct Credentials: Sendable, Hashable {
        public var clientID: String
        public var clientSecret: String
        public var webhookSecret: String

        public init(clientID: String, clientSecret: String, webhookSecret: String) {
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.webhookSecret = webhookSecret
        }

        public static func random() -> Credentials {
            Credentials(
                clientID: "3MVG9DM" + SalesforceSandbox.randomToken(40),
                clientSecret: SalesforceSandbox.randomToken(64),
                webhookSecret: "whsec_sf_" + SalesforceSandbox.randomToken(32)
            )
        }
    }

    /// Alice's person account (≥ 25 cases, several orders) and Bob's (a few of each).
    public static let aliceAccountID = "001DM00000ALICE1AA"
    public static let bobAccountID = "001DM00000BOB002AA"
    public static let aliceEmail = "alice@demo.atrium.test"
    public static let bobEmail = "bob@demo.atrium.test"
    /// The standard price book, the integration user (author of API-made records) and the support agent.
    public static let standardPricebookID = "01sDM0000000001AAA"
    public static let integrationUserID = "005DM0000000001AAA"
    public static let agentUserID = "005DM0000000002AAA"

    public static let tokenOperation = "POST /services/oauth2/token"
    public static let accountGetOperation = "GET /sobjects/Account/{id}"
    /// A fault body for `Fault.status(403, body:)`: the daily API request limit is spent.
    public static let requestLimitExceededBody = #"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#

    public let upstream: UpstreamID = .salesforce
    public let control: SandboxControl
    public let sandboxCredentials: Credentials
    public let minimumBatchSize: Int
    let state: NIOLockedValueBox<SalesforceSandboxStore>
    let changeEventTemplate: JSONValue
    let webhooks: WebhookEmitter

    /// Creates the org, seeded with the demo accounts, cases, orders and products.
    ///
    /// - Throws: ``SandboxFixtures/Failure`` when the `salesforce/` fixtures are missing.
    public init(credentials: Credentials = .random(), minimumBatchSize: Int = 10, control: SandboxControl = SandboxControl()) throws {
        self.sandboxCredentials = credentials
        self.minimumBatchSize = max(1, minimumBatchSize)
        self.control = control
        self.webhooks = WebhookEmitter(control: control)
        self.changeEventTemplate = try SandboxFixtures.json("salesforce/derived/cdc_order_change_event.json")
        self.state = NIOLockedValueBox(try Self.seed(now: Date()))
    }

    public var credentials: [String: String] {
        [
            "client_id": sandboxCredentials.clientID, "client_secret": sandboxCredentials.clientSecret,
            "webhook_secret": sandboxCredentials.webhookSecret,
        ]
    }

    // MARK: Control

    /// Ends every session: the next data call with an old token is `401 INVALID_SESSION_ID`.
    public func expireTokens() { state.withLockedValue { $0.tokens.removeAll() } }

    /// Sets an order's status as a CRM user would (approving it, say), and sends the change event.
    ///
    /// - Returns: `false` for an unknown order or a status the org does not have.
    @discardableResult
    public func setOrderStatus(id: String, to status: String) -> Bool {
        let now = Date()
        let outcome = state.withLockedValue { store -> (updated: Bool, change: String?) in
            do throws(SalesforceSandboxError) { return (true, try store.update("Order", id: id, body: ["Status": .string(status)], now: now)) } catch { return (false, nil) }
        }
        if let change = outcome.change { emitOrderChange(orderID: id, status: change, at: now) }
        return outcome.updated
    }

    /// How many cases the account has now.
    public func caseCount(accountID: String) -> Int {
        state.withLockedValue { $0.records(of: "Case").filter { $0["AccountId"]?.string == accountID }.count }
    }

    /// How many products are active (what a catalog listing returns).
    public var activeProductCount: Int {
        state.withLockedValue { $0.records(of: "Product2").filter { $0["IsActive"]?.bool == true }.count }
    }

    /// A record's fields as stored (for tests).
    public func record(id: String) -> JSONValue? {
        state.withLockedValue { $0.record(id).map { .object($0) } }
    }

    // MARK: Operation names

    public func operation(of request: inout Request) async throws -> String {
        let method = request.method.rawValue
        let segments = request.uri.path.split(separator: "/").map(String.init)
        if segments == ["services", "oauth2", "token"] { return "\(method) /services/oauth2/token" }
        guard segments.count >= 4, segments[0] == "services", segments[1] == "data" else {
            return SandboxOperation.template(method: method, path: request.uri.path)
        }
        let rest = Array(segments.dropFirst(3))
        switch (rest.first, rest.count) {
        case ("query", 1):
            let object = request.uri.queryParameters["q"].flatMap { SalesforceSOQLQuery.outerObject(String($0)) }
            return object.map { "\(method) /query \($0)" } ?? "\(method) /query"
        case ("query", 2):
            let locator = rest[1].split(separator: "-").first.map(String.init) ?? ""
            let object = state.withLockedValue { $0.cursors[locator]?.object }
            return object.map { "\(method) /query \($0)" } ?? "\(method) /query"
        case ("sobjects", 2): return "\(method) /sobjects/\(rest[1])"
        case ("sobjects", 3): return "\(method) /sobjects/\(rest[1])/{id}"
        case ("sobjects", 4): return "\(method) /sobjects/\(rest[1])/\(rest[2])/{value}"
        default: return SandboxOperation.template(method: method, path: request.uri.path)
        }
    }

    static func randomToken(_ length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<length).map { _ in alphabet.randomElement() ?? "A" })
    }
}
