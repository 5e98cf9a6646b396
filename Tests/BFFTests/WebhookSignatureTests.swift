import BFF
import Domain
import Foundation
import HTTPTypes
import Sandbox
import Testing

/// Signature schemes, tolerance and event identities, without a server: pure functions over bytes.
@Suite("Webhook signatures and event identities")
struct WebhookSignatureTests {
    static let body = Data(#"{"id":"evt_1","object":"event","type":"invoice.paid"}"#.utf8)
    static let secret = "whsec_test_secret"
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static var t: Int64 { Int64(now.timeIntervalSince1970) }

    // MARK: - The HMAC scheme

    @Test func anIndependentTestVectorVerifies() throws {
        // Computed with Python's hmac over the fixture's exact bytes (fixtures/upstream/supplier-api/derived).
        struct Vector: Decodable {
            let secret: String
            let timestamp: Int64
            let x_supplier_signature: String
        }
        let vector = try JSONDecoder().decode(Vector.self, from: SandboxFixtures.data("supplier-api/derived/webhook_signature_vector.json"))
        let body = try SandboxFixtures.data("supplier-api/webhook_purchase_order_status_changed.json")
        #expect(WebhookSignature.sign(body: body, timestamp: vector.timestamp, secret: vector.secret) == vector.x_supplier_signature)
        let signedAt = Date(timeIntervalSince1970: TimeInterval(vector.timestamp))
        try WebhookSignature.verify(
            timestamp: String(vector.timestamp), signatures: [vector.x_supplier_signature], body: body, secrets: [Secret(vector.secret)], now: signedAt
        )
    }

    @Test func theSandboxesSignTheWayTheReceiverVerifies() throws {
        #expect(WebhookSignature.sign(body: Self.body, timestamp: Self.t, secret: Self.secret) == SandboxSigning.timestamped(secret: Self.secret, timestamp: Self.t, body: Self.body))
        #expect(StripeSignature.header(body: Self.body, timestamp: Self.t, secrets: [Self.secret]) == StripeSandbox.signatureHeader(payload: Self.body, secret: Self.secret, timestamp: Self.t))
    }

    @Test func aChangedByteAWrongSecretOrAWrongTimestampIsAMismatch() throws {
        let signature = WebhookSignature.sign(body: Self.body, timestamp: Self.t, secret: Self.secret)
        var changed = Self.body
        changed[changed.startIndex + 3] ^= 0x01
        #expect(mismatch { try verify(String(Self.t), [signature], body: changed) } == .mismatch)
        #expect(mismatch { try verify(String(Self.t), [signature], secrets: ["whsec_other"]) } == .mismatch)
        // The timestamp is part of the signed message: a different one does not verify (even within tolerance).
        #expect(mismatch { try verify(String(Self.t - 1), [signature]) } == .mismatch)
        try verify(String(Self.t), [signature])
        try verify(String(Self.t), [signature.uppercased()])
    }

    @Test func malformedTimestampsAndSignaturesAreRefused() {
        let signature = WebhookSignature.sign(body: Self.body, timestamp: Self.t, secret: Self.secret)
        for timestamp in ["", "abc", "-1", "1.5", "12345678901234"] {
            #expect(mismatch { try verify(timestamp, [signature]) } == .malformed, "timestamp \(timestamp)")
        }
        for candidate in ["", "zz", String(signature.dropLast()), signature + "00"] {
            #expect(mismatch { try verify(String(Self.t), [candidate]) } == .malformed, "signature \(candidate)")
        }
    }

    @Test func theToleranceIs300SecondsInBothDirections() throws {
        for offset in [-300, 0, 300] as [TimeInterval] {
            try verify(String(Self.t), [WebhookSignature.sign(body: Self.body, timestamp: Self.t, secret: Self.secret)], now: Self.now.addingTimeInterval(offset))
        }
        for offset in [-301, 301, 86_400] as [TimeInterval] {
            let signature = WebhookSignature.sign(body: Self.body, timestamp: Self.t, secret: Self.secret)
            #expect(mismatch { try verify(String(Self.t), [signature], now: Self.now.addingTimeInterval(offset)) } == .timestampOutOfTolerance)
        }
    }

    @Test func anyConfiguredSecretAndAnySignatureVerify() throws {
        let old = WebhookSignature.sign(body: Self.body, timestamp: Self.t, secret: "whsec_old")
        let new = WebhookSignature.sign(body: Self.body, timestamp: Self.t, secret: "whsec_new")
        try verify(String(Self.t), [old], secrets: ["whsec_new", "whsec_old"])
        try verify(String(Self.t), [new], secrets: ["whsec_new", "whsec_old"])
        try verify(String(Self.t), [String(repeating: "0", count: 64), new], secrets: ["whsec_new"])
        #expect(mismatch { try verify(String(Self.t), [old], secrets: ["whsec_new", ""]) } == .mismatch)
    }

    // MARK: - Stripe-Signature

    @Test func stripeHeadersParse() throws {
        let parsed = try StripeSignature(header: " t=1750000000 , v1=aa,v0=bb,v1=cc,x=dd,junk")
        #expect(parsed.timestamp == "1750000000")
        #expect(parsed.signatures == ["aa", "cc"])
        for header in ["v1=aa", "t=1,t=2,v1=aa", "t=1", "t=1,v0=aa", ""] {
            #expect(throws: WebhookSignatureError.self, "\(header)") { try StripeSignature(header: header) }
        }
    }

    @Test func stripeAcceptsAnyV1OfARollingSecret() throws {
        let header = StripeSignature.header(body: Self.body, timestamp: Self.t, secrets: ["whsec_a", "whsec_b"])
        try StripeSignature(header: header).verify(body: Self.body, secrets: [Secret("whsec_b")], now: Self.now)
        try StripeSignature(header: header).verify(body: Self.body, secrets: [Secret("whsec_a")], now: Self.now)
        #expect(throws: WebhookSignatureError.self) {
            try StripeSignature(header: header).verify(body: Self.body, secrets: [Secret("whsec_c")], now: Self.now)
        }
    }

    // MARK: - Event identities

    @Test func eachUpstreamsEventIdentityIsReadFromItsDocumentedShape() throws {
        func identity(_ upstream: UpstreamID, _ body: Data, headers: HTTPFields = [:]) throws -> WebhookEventIdentity {
            try WebhookUpstream(upstream).identify(body: body, headers: headers)
        }
        let stripe = try identity(.stripe, SandboxFixtures.data("stripe/event.json"))
        #expect(stripe.eventID.hasPrefix("evt_") && stripe.eventType == "plan.created")
        let salesforce = try identity(.salesforce, SandboxFixtures.data("salesforce/derived/cdc_order_change_event.json"))
        #expect(salesforce.eventID == "0002343d-9d90-e395-ed20-cf416ba652ad:1" && salesforce.eventType == "OrderChangeEvent")
        let sim = try identity(.sim, SandboxFixtures.data("sim/webhook_line_activated.json"))
        #expect(sim.eventID == "EVT-000007" && sim.eventType == "line.activated")
        let supplier = try identity(.supplier, SandboxFixtures.data("supplier-api/webhook_purchase_order_status_changed.json"))
        #expect(supplier.eventID == "evt_000001" && supplier.eventType == "purchase_order.status_changed")
        // WHMCS ids may be numbers; the hook name may come from X-WHMCS-Event only.
        let whmcs = try identity(.whmcs, Data(#"{"id": 42, "vars": {"userid": 1002}}"#.utf8), headers: [try #require(HTTPField.Name("X-WHMCS-Event")): "InvoicePaid"])
        #expect(whmcs.eventID == "42" && whmcs.eventType == "InvoicePaid")
        // A platform event (no ChangeEventHeader) is identified by its EventUuid.
        let platform = try identity(.salesforce, Data(#"{"data":{"payload":{"EventUuid":"e-1"},"event":{"replayId":3}},"channel":"/event/Order_Approved__e"}"#.utf8))
        #expect(platform.eventID == "e-1" && platform.eventType == "Order_Approved__e")
    }

    @Test func bodiesWithoutAnEventIDOrNotJSONAreRefused() {
        let bodies: [(UpstreamID, String)] = [
            (.stripe, #"{"type":"invoice.paid"}"#), (.stripe, #"{"id":"","type":"invoice.paid"}"#), (.stripe, "[]"),
            (.stripe, #"{"id":"\#(String(repeating: "x", count: 256))"}"#), (.stripe, #"{"id":"evt\u0000"}"#),
            (.whmcs, #"{"event":"InvoicePaid"}"#), (.salesforce, #"{"data":{"payload":{},"event":{"replayId":7}}}"#),
            (.sim, #"{"eventType":"line.activated"}"#), (.supplier, "not json"),
        ]
        for (upstream, body) in bodies {
            #expect(throws: WebhookPayloadError.self, "\(upstream.rawValue) \(body.prefix(40))") {
                try WebhookUpstream(upstream).identify(body: Data(body.utf8), headers: [:])
            }
        }
    }

    // MARK: - Helpers

    func verify(_ timestamp: String, _ signatures: [String], body: Data = body, secrets: [String] = [secret], now: Date = now) throws {
        try WebhookSignature.verify(timestamp: timestamp, signatures: signatures, body: body, secrets: secrets.map(Secret.init), now: now)
    }

    func mismatch(_ body: () throws -> Void) -> WebhookSignatureError.Code? {
        do {
            try body()
            return nil
        } catch let error as WebhookSignatureError {
            return error.code
        } catch {
            return nil
        }
    }
}

