public import AsyncHTTPClient
public import Domain
import Foundation
public import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// The SIM / provisioning platform upstream ("emptool", Freebit-like) that `fixtures/upstream/sim/README.md`
/// defines: `POST /emptool/api/<area>/<operation>/` with a `json=` form field, an `authKey` from `authOem` that
/// expires, result-code envelopes, asynchronous operations that lock their line until they finish, request-id
/// de-duplication, and a per-OEM rate limit on `mvno/getTrafficInfo`.
///
/// Operation names (for fault rules and call counts) are `<area>/<operation>` (``Operations``). Operations
/// advance `accepted` → `processing` (after a quarter of ``operationDelay``) → `completed` (after the delay), or
/// `failed` when ``failNextOperation(_:errorCode:message:)`` armed a failure.
///
/// Webhooks: when an operation finishes, the sandbox POSTs `{"eventId", "eventType", "occurredAt", "operation",
/// "line"}` to the control's webhook URL with `X-SIM-Timestamp: <unix seconds>` and `X-SIM-Signature: <lower-case
/// hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the webhook secret>`; `eventType` is `line.allocated`,
/// `line.configured`, `line.activated`, `line.verified`, `line.planChanged`, `line.released`, `line.deactivated`
/// or `operation.failed`.
///
/// Seed (from `fixtures/upstream/sim/`): ``aliceAccountID`` with two active lines with usage, ``bobAccountID``
/// with one, and a pool of ``poolSize`` free cards with valid ICCIDs.
public final class SIMSandbox: SandboxUpstream {
    public let upstream: UpstreamID = .sim
    public let control: SandboxControl
    public let oemID: String
    public let oemKey: String
    public let webhookSecret: String
    /// How long an asynchronous operation runs.
    public let operationDelay: Duration
    /// How long an `authKey` is valid.
    public let authKeyLifetime: Duration
    /// `mvno/getTrafficInfo` calls allowed per OEM in any one second.
    public let usageRequestsPerSecond: Int
    let state: NIOLockedValueBox<SIMSandboxState>
    let emitter: WebhookEmitter

    // MARK: Seed and names

    public static let aliceAccountID = "ACC-ALICE"
    public static let bobAccountID = "ACC-BOB"
    /// Alice's lines (national numbers, the platform's line ids): `SIM-5GB` and `SIM-20GB`.
    public static let aliceLineIDs = ["09012345678", "08023456789"]
    /// Bob's line on `SIM-5GB`.
    public static let bobLineID = "07034567890"
    /// A well-formed number no line has.
    public static let unknownLineID = "09099999999"
    public static let plan5GB = "SIM-5GB"
    public static let plan20GB = "SIM-20GB"
    public static let planUnlimited = "SIM-UNLIMITED"
    /// Plan codes and their monthly allowance in bytes (`nil`: unlimited).
    public static let plans: [String: Int64?] = [plan5GB: 5 << 30, plan20GB: 20 << 30, planUnlimited: nil]
    /// Free cards in the pool by default.
    public static let poolSize = 24
    public static let defaultOEMID = "OEM-SANDBOX"

    /// The sandbox's operation names: `<area>/<operation>`, or `authOem`.
    public enum Operations {
        public static let auth = "authOem"
        public static let account = "master/getAcnt"
        public static let line = "master/getLine"
        public static let traffic = "mvno/getTrafficInfo"
        public static let operationStatus = "mvno/getOpStatus"
        public static let changePlan = "mvno/changePlan"
        public static let allocate = "sim/allocate"
        public static let configure = "sim/configure"
        public static let activate = "sim/activate"
        public static let verify = "sim/verify"
        public static let release = "sim/release"
        public static let deactivate = "sim/deactivate"
        static let reads: Set<String> = [account, line, traffic, operationStatus]
        static let mutations: Set<String> = [changePlan, allocate, configure, activate, verify, release, deactivate]
    }

    /// Creates a seeded sandbox.
    ///
    /// - Parameters:
    ///   - oemID: The OEM id `authOem` accepts.
    ///   - oemKey: The OEM key `authOem` accepts (random by default).
    ///   - webhookSecret: The key of the webhook signature (random by default).
    ///   - operationDelay: How long asynchronous operations take (1.5 s by default; keep it short in tests).
    ///   - authKeyLifetime: How long an `authKey` is valid (``expireAuthKeys()`` ends them at once).
    ///   - usageRequestsPerSecond: The usage-polling rate limit per OEM.
    ///   - poolSize: Free cards in the pool (``poolSize`` by default, at most 999).
    ///   - control: Faults, recorded calls and the webhook URL.
    ///   - webhookClient: The client webhooks are sent with.
    /// - Throws: ``SandboxFixtures/Failure`` when the seed fixtures cannot be read.
    public init(
        oemID: String = SIMSandbox.defaultOEMID,
        oemKey: String = SandboxSigning.randomSecret("oemkey_"),
        webhookSecret: String = SandboxSigning.randomSecret("whsec_"),
        operationDelay: Duration = .milliseconds(1500),
        authKeyLifetime: Duration = .seconds(3600),
        usageRequestsPerSecond: Int = 5,
        poolSize: Int = SIMSandbox.poolSize,
        control: SandboxControl = SandboxControl(),
        webhookClient: HTTPClient = .shared
    ) throws {
        self.oemID = oemID
        self.oemKey = oemKey
        self.webhookSecret = webhookSecret
        self.operationDelay = operationDelay
        self.authKeyLifetime = authKeyLifetime
        self.usageRequestsPerSecond = max(1, usageRequestsPerSecond)
        self.control = control
        self.emitter = WebhookEmitter(control: control, client: webhookClient)
        self.state = NIOLockedValueBox(try SIMSandboxSeed.state(poolSize: poolSize))
    }

    public var credentials: [String: String] {
        ["oem_id": oemID, "oem_key": oemKey, "webhook_secret": webhookSecret]
    }

    // MARK: Test controls

    /// Ends every issued `authKey` now: the next request with one gets `210`.
    public func expireAuthKeys() {
        state.withLockedValue { state in
            for key in state.authKeys.keys { state.authKeys[key]?.expiresAt = .distantPast }
        }
    }

    /// Makes the next operation of `kind` (`activate`, `changePlan`, …) end `failed` with `errorCode`.
    public func failNextOperation(_ kind: String, errorCode: String = "510", message: String = "network element refused the change") {
        state.withLockedValue { $0.armedFailures[kind, default: []].append((errorCode, message)) }
    }

    /// How many operations of `kind` (`activate`, `allocate`, …) the platform accepted, for `lineID` when given:
    /// replays with the same request id are one operation, so "exactly one activation" is countable.
    public func operationCount(kind: String, lineID: String? = nil) -> Int {
        state.withLockedValue { state in
            state.operations.values.filter { operation in operation.kind == kind && (lineID.map { operation.msisdn == $0 } ?? true) }.count
        }
    }

    /// The free cards, next to be allocated first.
    public var freeICCIDs: [String] { state.withLockedValue { $0.pool.map(\.iccid) } }

    /// A line's object as the platform renders it, `nil` for an unknown number.
    public func line(msisdn: String) -> JSONValue? { state.withLockedValue { $0.lines[msisdn]?.json } }

    // MARK: Routes

    public func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("emptool/api/**") { [self] request, _ in await self.respond(to: request) }
    }

    public func operation(of request: inout Request) async throws -> String {
        Self.operationName(path: request.uri.path)
            ?? SandboxOperation.template(method: request.method.rawValue, path: request.uri.path)
    }

    /// `/emptool/api/master/getAcnt/` → `master/getAcnt`.
    static func operationName(path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        guard segments.count >= 3, segments[0] == "emptool", segments[1] == "api" else { return nil }
        return segments.dropFirst(2).joined(separator: "/")
    }

    func respond(to request: Request) async -> Response {
        settle()
        let name = Self.operationName(path: request.uri.path) ?? ""
        do throws(SIMSandboxFailure) {
            guard name == Operations.auth || Operations.reads.contains(name) || Operations.mutations.contains(name) else {
                throw SIMSandboxFailure("221", "no such API operation", http: 404)
            }
            var request = request
            let body = try? await request.collectBody(upTo: 1 << 16)
            let document = try SIMSandboxRequest(form: body.map { String(buffer: $0) } ?? "")
            if name == Operations.auth { return try authenticate(document) }
            let oem = try authorise(document)
            let members: [String: JSONValue]
            switch name {
            case Operations.account: members = try accountDetail(document)
            case Operations.line: members = try lineDetail(document)
            case Operations.traffic: members = try traffic(document, oem: oem)
            case Operations.operationStatus: members = try operationStatus(document)
            default: members = try submit(name, document, oem: oem)
            }
            return Self.envelope(members)
        } catch {
            return Self.envelope(error.members, code: error.resultCode, message: error.message, http: error.http, headers: error.headers)
        }
    }

    /// A platform answer: `{"resultCode", "status": {"message", "statusCode"}, …members}`.
    static func envelope(
        _ members: [String: JSONValue],
        code: String = "100",
        message: String = "OK",
        http: Int = 200,
        headers: HTTPFields = [:]
    ) -> Response {
        var object = members
        object["resultCode"] = .string(code)
        object["status"] = [
            "message": .string(message), "statusCode": .string(code == "100" ? "200" : SIMSandboxFailure.statusClass(code)),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(JSONValue.object(object))) ?? Data(#"{"resultCode":"290"}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: HTTPResponse.Status(code: http), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
