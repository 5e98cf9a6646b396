import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Sandbox
import Testing

/// The Stripe sandbox's own behaviour over raw HTTP (no adapter): auth, list shapes and paging, expansion,
/// idempotent replays, and webhooks signed as Stripe signs them (checked against the fixture's test vector).
@Suite("Stripe sandbox")
struct StripeSandboxTests {
    // MARK: Webhook signatures

    @Test func fixtureSignatureVectorVerifies() throws {
        let vector = try SandboxFixtures.json("stripe/derived/webhook_signature_vector.json")
        let payload = try SandboxFixtures.data("stripe/event.json")
        let secret = try #require(vector["secret"].string)
        let timestamp = try #require(vector["timestamp"].int)
        let header = try #require(vector["stripe_signature_header"].string)
        let tolerance = try #require(vector["default_tolerance_seconds"].int)
        #expect(StripeSandbox.signatureHeader(payload: payload, secret: secret, timestamp: timestamp) == header)
        let verifier = StripeSignatureVerifier(secret: secret, tolerance: tolerance)
        #expect(verifier.verify(header: header, payload: payload, now: timestamp + 10))
        #expect(
            !verifier.verify(header: try #require(vector["negative_cases"]["tampered_header"].string), payload: payload, now: timestamp))
        #expect(!verifier.verify(header: header, payload: payload, now: try #require(vector["negative_cases"]["stale_timestamp_now"].int)))
        #expect(!verifier.verify(header: header, payload: payload + Data(" ".utf8), now: timestamp))
        #expect(
            !StripeSignatureVerifier(secret: "whsec_other", tolerance: tolerance).verify(header: header, payload: payload, now: timestamp))
    }

    @Test func stateChangesSendSignedEvents() async throws {
        let received = ReceivedStripeWebhooks()
        let signatureName = try #require(HTTPFields.Element.Name("Stripe-Signature"))
        let router = Router()
        router.post("stripe") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            received.add(signature: request.headers[signatureName], body: Data(body.readableBytesView))
            return HTTPResponse.Status.ok
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            try await withStripeSandbox { sandbox, api in
                sandbox.control.webhookURL = "http://127.0.0.1:\(port)/stripe"
                let created = try await api.send(
                    .POST, "/v1/subscriptions",
                    form: [
                        ("customer", StripeSandbox.bobCustomerID), ("items[0][price]", StripeSandbox.staticIPPriceID),
                        ("payment_behavior", "default_incomplete"),
                    ], key: "hook-1")
                #expect(created.status == 200)
                #expect(created.json["status"] == "incomplete")
                let invoice = try #require(created.json["latest_invoice"].string)
                let paid = try await api.send(.POST, "/v1/invoices/\(invoice)/pay", key: "hook-2")
                #expect(paid.json["status"] == "paid")
                let expected = [
                    "customer.subscription.created", "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded",
                    "customer.subscription.updated",
                ]
                for _ in 0..<200 where received.all.count < expected.count { try await Task.sleep(for: .milliseconds(20)) }
                let hooks = received.all
                let verifier = StripeSignatureVerifier(secret: sandbox.webhookSecret, tolerance: 300)
                let now = Int64(Date().timeIntervalSince1970)
                for hook in hooks { #expect(verifier.verify(header: hook.signature ?? "", payload: hook.body, now: now)) }
                let events = try hooks.map { try JSONDecoder().decode(JSONValue.self, from: $0.body) }
                #expect(Set(events.compactMap { $0["type"].string }) == Set(expected))
                #expect(events.allSatisfy { $0["object"] == "event" && $0["api_version"] == .string(StripeSandbox.apiVersion) })
                let activated = try #require(events.first { $0["type"] == "customer.subscription.updated" })
                #expect(activated["data"]["object"]["status"] == "active")
                #expect(activated["data"]["previous_attributes"]["status"] == "incomplete")
                #expect(activated["request"]["idempotency_key"] == "hook-2")
            }
        }
    }

    // MARK: Auth, lists, expansion

    @Test func keysAreChecked() async throws {
        try await withStripeSandbox { sandbox, api in
            let missing = try await api.send(.GET, "/v1/customers/\(StripeSandbox.aliceCustomerID)", authorization: nil)
            #expect(missing.status == 401)
            #expect(missing.json["error"]["type"] == "invalid_request_error")
            let wrong = try await api.send(.GET, "/v1/customers/\(StripeSandbox.aliceCustomerID)", authorization: "Bearer sk_test_nope")
            #expect(wrong.status == 401)
            #expect(wrong.json["error"]["message"].string?.hasPrefix("Invalid API Key provided") == true)
            let basic = "Basic " + Data((sandbox.apiKey + ":").utf8).base64EncodedString()
            #expect(try await api.send(.GET, "/v1/customers/\(StripeSandbox.aliceCustomerID)", authorization: basic).status == 200)
            let badVersion = try await api.send(
                .GET, "/v1/customers/\(StripeSandbox.aliceCustomerID)", headers: [("Stripe-Version", "latest")])
            #expect(badVersion.status == 400)
            let unknown = try await api.send(.GET, "/v1/customers/cus_Nobody0000001")
            #expect(unknown.status == 404)
            #expect(unknown.json["error"]["code"] == "resource_missing")
            #expect(unknown.json["error"]["param"] == "id")
            let route = try await api.send(.GET, "/v1/teleports")
            #expect(route.status == 404)
            #expect(route.json["error"]["type"] == "invalid_request_error")
            let deleted = try await api.send(.GET, "/v1/customers/\(StripeSandbox.deletedCustomerID)")
            #expect(deleted.json == ["id": .string(StripeSandbox.deletedCustomerID), "object": "customer", "deleted": true])
        }
    }

    @Test func listsPageLikeStripe() async throws {
        try await withStripeSandbox { _, api in
            let alice = StripeSandbox.aliceCustomerID
            let first = try await api.send(.GET, "/v1/invoices?customer=\(alice)")
            #expect(first.json["object"] == "list")
            #expect(first.json["url"] == "/v1/invoices")
            #expect(first.json["has_more"] == true)
            #expect(first.json["data"].array?.count == 10)
            var ids: [String] = []
            var cursor: String?
            repeat {
                let after = cursor.map { "&starting_after=\($0)" } ?? ""
                let page = try await api.send(.GET, "/v1/invoices?customer=\(alice)&limit=100\(after)")
                ids += page.json["data"].array?.compactMap { $0["id"].string } ?? []
                cursor = page.json["has_more"] == true ? ids.last : nil
            } while cursor != nil
            #expect(ids.count == StripeSandbox.aliceInvoiceCount)
            let page = try await api.send(.GET, "/v1/invoices?customer=\(alice)&limit=3&starting_after=\(ids[4])")
            #expect(page.json["data"].array?.compactMap { $0["id"].string } == Array(ids[5..<8]))
            let before = try await api.send(.GET, "/v1/invoices?customer=\(alice)&limit=3&ending_before=\(ids[4])")
            #expect(before.json["data"].array?.compactMap { $0["id"].string } == Array(ids[1..<4]))
            #expect(try await api.send(.GET, "/v1/invoices?limit=0").json["error"]["param"] == "limit")
            #expect(try await api.send(.GET, "/v1/invoices?limit=101").status == 400)
            #expect(try await api.send(.GET, "/v1/invoices?starting_after=in_1Nope").json["error"]["code"] == "resource_missing")
            let active = try await api.send(.GET, "/v1/subscriptions?customer=\(alice)")
            #expect(active.json["data"].array?.count == 2)
            #expect(try await api.send(.GET, "/v1/subscriptions?customer=\(alice)&status=all").json["data"].array?.count == 3)
        }
    }

    @Test func expandReplacesIdsUpToFourLevels() async throws {
        try await withStripeSandbox { _, api in
            let list = try await api.send(.GET, "/v1/invoices?customer=\(StripeSandbox.bobCustomerID)&limit=1")
            let id = try #require(list.json["data"].array?.first?["id"].string)
            let plain = try await api.send(.GET, "/v1/invoices/\(id)")
            #expect(plain.json["total_taxes"].array?.first?["tax_rate_details"]["tax_rate"] == .string(StripeSandbox.vatTaxRateID))
            let expanded = try await api.send(
                .GET, "/v1/invoices/\(id)?expand%5B%5D=total_taxes.tax_rate_details.tax_rate&expand%5B%5D=customer")
            #expect(expanded.json["total_taxes"].array?.first?["tax_rate_details"]["tax_rate"]["percentage"] == 19)
            #expect(expanded.json["customer"]["email"] == "bob@demo.atrium.test")
            let tooDeep = try await api.send(.GET, "/v1/subscriptions?expand%5B%5D=data.items.data.price.product")
            #expect(tooDeep.status == 400)
        }
    }

    // MARK: Idempotency

    @Test func idempotencyKeysReplayOrConflict() async throws {
        try await withStripeSandbox { sandbox, api in
            let form = [("customer", StripeSandbox.aliceCustomerID), ("amount", "-300"), ("currency", "eur")]
            let path = "/v1/customers/\(StripeSandbox.aliceCustomerID)/balance_transactions"
            let first = try await api.send(.POST, path, form: form, key: "credit-1")
            #expect(first.status == 200)
            #expect(first.headers["idempotent-replayed"] == nil)
            let replay = try await api.send(.POST, path, form: form, key: "credit-1")
            #expect(replay.status == 200)
            #expect(replay.headers["idempotent-replayed"] == "true")
            #expect(replay.headers["original-request"] == first.headers["request-id"])
            #expect(replay.json == first.json)
            #expect(sandbox.object(StripeSandbox.aliceCustomerID)?["balance"] == -800)
            let other = try await api.send(.POST, path, form: [("amount", "-301"), ("currency", "eur")], key: "credit-1")
            #expect(other.status == 400)
            #expect(other.json["error"]["type"] == "idempotency_error")
            // A refusal of the parameters is not kept: the key stays free.
            let refused = try await api.send(.POST, path, form: [("currency", "eur")], key: "credit-2")
            #expect(refused.status == 400)
            #expect(try await api.send(.POST, path, form: form, key: "credit-2").status == 200)
            #expect(sandbox.replayedIdempotencyKeys == ["credit-1"])
        }
    }

    @Test func credentialsAndSeedConstants() throws {
        let sandbox = try StripeSandbox(apiKey: "sk_test_fixed", webhookSecret: "whsec_fixed")
        #expect(sandbox.credentials == ["api_key": "sk_test_fixed", "webhook_secret": "whsec_fixed"])
        #expect(sandbox.object(StripeSandbox.aliceCustomerID)?["email"] == "alice@demo.atrium.test")
        #expect(sandbox.object(StripeSandbox.bobCustomerID)?["name"] == "Bob Demo")
        for price in StripeSandbox.orderablePriceIDs { #expect(sandbox.object(price)?["type"] == "recurring") }
        #expect(try StripeSandbox().apiKey != StripeSandbox().apiKey)
    }
}

// MARK: Helpers

/// Verifies a `Stripe-Signature` header the way Stripe's libraries do: every `v1` against HMAC-SHA256 of
/// `"<t>.<payload>"`, compared in constant time, and `t` within `tolerance` seconds of `now`.
struct StripeSignatureVerifier {
    let secret: String
    let tolerance: Int64

    func verify(header: String, payload: Data, now: Int64) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let expected = Array(SandboxSigning.timestamped(secret: secret, timestamp: timestamp, body: payload).utf8)
        return signatures.contains { candidate in
            let bytes = Array(candidate.utf8)
            guard bytes.count == expected.count else { return false }
            return zip(bytes, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}

private struct StripeAnswer: Sendable {
    let status: Int
    let headers: [String: String]
    let json: JSONValue
}

/// Speaks Stripe's wire format by hand: Bearer key, form bodies, `Idempotency-Key`.
private struct StripeAPI: Sendable {
    let baseURL: String
    let apiKey: String

    func send(
        _ method: HTTPMethod, _ path: String, form: [(String, String)] = [], key: String? = nil,
        authorization: String?? = .some(nil), headers: [(String, String)] = []
    ) async throws -> StripeAnswer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        switch authorization {
        case .some(.some(let value)): request.headers.add(name: "Authorization", value: value)
        case .some(.none): request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        case .none: break
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let key { request.headers.add(name: "Idempotency-Key", value: key) }
        if !form.isEmpty {
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            let body = form.map { name, value in
                (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "="
                    + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
            }.joined(separator: "&")
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let data = try await response.body.collect(upTo: 1 << 22)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return StripeAnswer(
            status: Int(response.status.code), headers: fields,
            json: try JSONDecoder().decode(JSONValue.self, from: Data(data.readableBytesView)))
    }
}

private func withStripeSandbox(_ body: (StripeSandbox, StripeAPI) async throws -> Void) async throws {
    let sandbox = try StripeSandbox()
    let server = try await SandboxServer.start(sandbox)
    do {
        try await body(sandbox, StripeAPI(baseURL: server.baseURL, apiKey: sandbox.apiKey))
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

private final class ReceivedStripeWebhooks: Sendable {
    private let box = NIOLockedValueBox<[(signature: String?, body: Data)]>([])
    func add(signature: String?, body: Data) { box.withLockedValue { $0.append((signature, body)) } }
    var all: [(signature: String?, body: Data)] { box.withLockedValue { $0 } }
}
