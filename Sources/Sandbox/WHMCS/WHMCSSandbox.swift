public import Domain
public import Foundation
public import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// A WHMCS-like billing system: the action API at `POST /includes/api.php`, stateful in memory.
///
/// Every call is form-encoded with `identifier`, `secret` (or the legacy `username`/`password` holding them),
/// `action` and `responsetype=json`. Bad credentials answer HTTP 403 `{"result":"error","message":"Authentication
/// Failed"}`; other errors answer HTTP 200 with `result: error` and WHMCS's message (`Client Not Found`, `Invoice
/// ID Not Found`, `Order ID not found or Status not Pending`, …). Answers keep WHMCS's quirks: ids and amounts as
/// text where WHMCS sends text (`"totalresults": "2"` in GetClientsProducts, numbers elsewhere), `0000-00-00`
/// for no date, `""` for an empty list (`"invoices": ""`), and `{"invoices": {"invoice": [...]}}` wrappers.
/// The operation name of a call (for faults and call counts) is its `action`, e.g. `GetInvoices`, `AddOrder`.
///
/// Actions: GetClientsDetails, GetInvoices, GetInvoice, GetClientsProducts, GetPayMethods, GetPaymentMethods,
/// GetProducts, GetOrders, AddOrder (keeps a `notes` parameter on the order), AcceptOrder, PendingOrder,
/// CancelOrder, UpdateClientProduct, AddInvoicePayment, AddTransaction, GetTransactions, AddCredit, GetCredits.
///
/// **Webhooks.** WHMCS itself runs PHP hooks; this sandbox posts them as JSON to the receiver configured in
/// ``control``: `{"event": "InvoicePaid", "id": "evt_000001", "created": <unix seconds>, "vars": {...}}` with
/// `vars` as the hook gets them (`invoiceid`, `orderid`, `serviceid`, `userid`, `status`, `oldstatus`).
/// Events: `InvoicePaid` (an invoice's balance reaches zero), `AcceptOrder`, `CancelOrder`, and
/// `ServiceStatusChange` (a service changes status: on accept, pending, cancel or UpdateClientProduct).
/// Headers: `X-WHMCS-Event: <event>`, `X-WHMCS-Timestamp: <unix seconds>` and
/// `X-WHMCS-Signature: <lower-case hex HMAC-SHA256 of "<timestamp>.<raw body>" under the webhook secret>`.
/// A receiver recomputes the HMAC over the timestamp, a dot and the raw body bytes, compares in constant
/// time, and rejects old timestamps.
public final class WHMCSSandbox: SandboxUpstream {
    /// The demo clients (same ids in every upstream's seed).
    public static let aliceClientID = "1001"
    public static let bobClientID = "1002"
    /// Orderable products: a recurring mobile plan (monthly or annually), a one-time starter kit, a hosting plan
    /// (the WHMCS documentation's example product, monthly only) and a free add-on.
    public static let hostingPID = "1"
    public static let mobilePlanPID = "2"
    public static let simStarterKitPID = "3"
    public static let freeAddOnPID = "4"

    /// The API credentials and webhook secret the sandbox accepts.
    public struct Secrets: Sendable, Hashable {
        public var identifier: String
        public var secret: String
        public var webhookSecret: String

        public init(identifier: String, secret: String, webhookSecret: String) {
            self.identifier = identifier
            self.secret = secret
            self.webhookSecret = webhookSecret
        }

        /// Fresh random credentials, as WHMCS generates them (32 characters).
        public static func random() -> Secrets {
            func token() -> String {
                let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                return String((0..<32).map { _ in alphabet.randomElement() ?? "x" })
            }
            return Secrets(identifier: token(), secret: token(), webhookSecret: token())
        }
    }

    public var upstream: UpstreamID { .whmcs }
    public let control: SandboxControl
    public let secrets: Secrets
    let templates: WHMCSTemplates
    let state: NIOLockedValueBox<WHMCSSandboxState>
    let emitter: WebhookEmitter
    let clock: @Sendable () -> Date
    private let eventCounter = NIOLockedValueBox(0)

    /// Creates the sandbox seeded with the demo clients, their invoices, services, orders and pay methods.
    ///
    /// - Parameters:
    ///   - secrets: The credentials it accepts and the webhook signing secret.
    ///   - control: Faults, recorded calls and the webhook receiver.
    ///   - now: The seed's reference time (invoices go back monthly from it).
    ///   - clock: The time of state changes.
    /// - Throws: ``SandboxFixtures/Failure`` when the WHMCS fixtures cannot be read.
    public init(
        secrets: Secrets = .random(),
        control: SandboxControl = SandboxControl(),
        now: Date = Date(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.secrets = secrets
        self.control = control
        self.clock = clock
        self.templates = try WHMCSTemplates.load()
        self.state = NIOLockedValueBox(WHMCSSandboxSeed.build(templates: templates, now: now))
        self.emitter = WebhookEmitter(control: control)
    }

    public var credentials: [String: String] {
        ["identifier": secrets.identifier, "secret": secrets.secret, "webhook_secret": secrets.webhookSecret]
    }

    public func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/includes/api.php") { request, _ in try await self.handle(request) }
    }

    public func operation(of request: inout Request) async throws -> String {
        guard request.uri.path == "/includes/api.php" else {
            return SandboxOperation.template(method: request.method.rawValue, path: request.uri.path)
        }
        let body = try await request.collectBody(upTo: Self.maximumBody)
        return WHMCSForm(body: body).text("action") ?? "api.php"
    }

    static let maximumBody = 1 << 20

    // MARK: Dispatch

    /// What an action answers, and the hooks its state change fires.
    struct Outcome {
        var reply: WHMCSReply
        var events: [(String, [String: JSONValue])] = []

        init(_ reply: WHMCSReply, events: [(String, [String: JSONValue])] = []) {
            self.reply = reply
            self.events = events
        }
    }

    func handle(_ request: Request) async throws -> Response {
        var request = request
        let form = WHMCSForm(body: try await request.collectBody(upTo: Self.maximumBody))
        let identifier = form.text("identifier") ?? form.text("username")
        let secret = form.text("secret") ?? form.text("password")
        guard identifier == secrets.identifier, secret == secrets.secret else {
            return WHMCSReply.error("Authentication Failed").response(status: .forbidden)
        }
        guard form["responsetype"]?.lowercased() == "json" else {
            return WHMCSReply.error("This sandbox answers responsetype=json only").response(status: .ok)
        }
        let outcome = dispatch(action: form["action"] ?? "", form: form)
        for (event, vars) in outcome.events { emit(event, vars: vars) }
        return outcome.reply.response(status: .ok)
    }

    func dispatch(action: String, form: WHMCSForm) -> Outcome {
        switch action.lowercased() {
        case "getclientsdetails": Outcome(getClientsDetails(form))
        case "getinvoices": Outcome(getInvoices(form))
        case "getinvoice": Outcome(getInvoice(form))
        case "getclientsproducts": Outcome(getClientsProducts(form))
        case "getpaymethods": Outcome(getPayMethods(form))
        case "getpaymentmethods": Outcome(getPaymentMethods())
        case "getproducts": Outcome(getProducts(form))
        case "getorders": Outcome(getOrders(form))
        case "gettransactions": Outcome(getTransactions(form))
        case "getcredits": Outcome(getCredits(form))
        case "addorder": addOrder(form)
        case "acceptorder": acceptOrder(form)
        case "pendingorder": pendingOrder(form)
        case "cancelorder": cancelOrder(form)
        case "updateclientproduct": updateClientProduct(form)
        case "addinvoicepayment": addInvoicePayment(form)
        case "addtransaction": addTransaction(form)
        case "addcredit": addCredit(form)
        default: Outcome(.error("Command Not Found"))
        }
    }

    // MARK: Webhooks

    /// Signs and posts one hook (in the background) when a receiver is configured.
    func emit(_ event: String, vars: [String: JSONValue]) {
        guard control.webhookURL != nil else { return }
        let number = eventCounter.withLockedValue { counter in
            counter += 1
            return counter
        }
        let timestamp = Int64(clock().timeIntervalSince1970)
        let payload: JSONValue = [
            "event": .string(event), "id": .string(String(format: "evt_%06d", number)), "created": .int(timestamp),
            "vars": .object(vars),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let body = try? encoder.encode(payload) else { return }
        let signature = Self.signature(body: body, timestamp: timestamp, secret: secrets.webhookSecret)
        emitter.sendDetached(
            event: event,
            body: body,
            headers: [("X-WHMCS-Event", event), ("X-WHMCS-Timestamp", String(timestamp)), ("X-WHMCS-Signature", signature)]
        )
    }

    /// The `X-WHMCS-Signature` of `body` sent at `timestamp`: hex HMAC-SHA256 of `"<timestamp>.<body>"`.
    public static func signature(body: Data, timestamp: Int64, secret: String) -> String {
        SandboxSigning.timestamped(secret: secret, timestamp: timestamp, body: body)
    }
}

/// One answer of the action API.
enum WHMCSReply {
    /// `result: success` merged into these fields.
    case success([String: JSONValue])
    case error(String)

    func response(status: HTTPResponse.Status) -> Response {
        var object: [String: JSONValue]
        switch self {
        case .success(let fields):
            object = fields
            object["result"] = "success"
        case .error(let message):
            object = ["result": "error", "message": .string(message)]
        }
        let data = (try? JSONEncoder().encode(JSONValue.object(object))) ?? Data(#"{"result":"error"}"#.utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
