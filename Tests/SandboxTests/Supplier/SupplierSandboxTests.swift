import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Sandbox
import Testing

/// What the supplier sandbox answers over raw HTTP (no adapter): feeds served and generated as streams, the JSON
/// API's auth, paging, idempotency and errors, and webhooks signed as the README specifies.
@Suite("Supplier sandbox")
struct SupplierSandboxTests {
    // MARK: Webhooks

    @Test func signatureMatchesTheIndependentlyComputedVector() throws {
        let vector = try SandboxFixtures.json("supplier-api/derived/webhook_signature_vector.json")
        let body = try SandboxFixtures.data("supplier-api/webhook_purchase_order_status_changed.json")
        let secret = try #require(vector["secret"].string)
        let timestamp = try #require(vector["timestamp"].int)
        let expected = try #require(vector["x_supplier_signature"].string)
        #expect(SupplierSandbox.signature(body: body, secret: secret, timestamp: timestamp) == expected)
        #expect(SupplierSandbox.signature(body: body + Data(" ".utf8), secret: secret, timestamp: timestamp) != expected)
        #expect(SupplierSandbox.signature(body: body, secret: secret, timestamp: timestamp + 1) != expected)
        #expect(SupplierSandbox.signature(body: body, secret: "whsec_other", timestamp: timestamp) != expected)
    }

    @Test func statusChangesSendSignedWebhooks() async throws {
        let received = ReceivedSupplierWebhooks()
        let router = Router()
        router.post("hooks") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let header = { (name: String) in request.headers.first { $0.name.canonicalName == name }?.value }
            received.add(timestamp: header("x-supplier-timestamp"), signature: header("x-supplier-signature"), body: Data(body.readableBytesView))
            return HTTPResponse.Status.ok
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            try await withSupplierSandbox { sandbox, api in
                sandbox.control.webhookURL = "http://127.0.0.1:\(port)/hooks"
                let created = try await api.placeOrder(key: "hook-1", lines: [(SupplierSandbox.knownItemID, 1)])
                let id = try #require(created.json["id"].string)
                #expect(try await api.send("POST", "/v1/purchase-orders/\(id)/cancel").status == 200)
                for _ in 0..<200 where received.all.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
                let hooks = received.all
                try #require(hooks.count == 2)
                for hook in hooks {
                    let timestamp = try #require(hook.timestamp.flatMap { Int64($0) })
                    #expect(abs(timestamp - Int64(Date().timeIntervalSince1970)) < 60)
                    #expect(hook.signature == SupplierSandbox.signature(body: hook.body, secret: sandbox.webhookSecret, timestamp: timestamp))
                }
                let events = try hooks.map { try JSONDecoder().decode(JSONValue.self, from: $0.body) }
                #expect(events.allSatisfy { $0["type"] == "purchase_order.status_changed" })
                let statuses = events.map { "\($0["data"]["previous_status"].string ?? "nil")→\($0["data"]["purchase_order"]["status"].string ?? "")" }
                #expect(Set(statuses) == ["nil→received", "received→cancelled"])
                #expect(sandbox.control.deliveries.allSatisfy { $0.status == 200 })
            }
        }
    }

    // MARK: JSON API

    @Test func theAPIKeyIsChecked() async throws {
        try await withSupplierSandbox { _, api in
            let missing = try await api.send("GET", "/v1/items", key: .none)
            #expect(missing.status == 401)
            #expect(missing.json["error"]["code"] == "unauthorized")
            #expect(try await api.send("GET", "/v1/items/\(SupplierSandbox.knownItemID)", key: .other("sk_sup_wrong")).status == 401)
            #expect(try await api.send("GET", "/v1/items/\(SupplierSandbox.knownItemID)").status == 200)
        }
    }

    @Test func itemsPageWithOpaqueTokensAndServeTheFixtureVerbatim() async throws {
        try await withSupplierSandbox { sandbox, api in
            var ids: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let query = "page_size=50" + (token.map { "&page_token=\($0)" } ?? "")
                let page = try await api.send("GET", "/v1/items?\(query)")
                #expect(page.status == 200)
                ids += page.json["items"].array?.compactMap { $0["id"].string } ?? []
                token = page.json["next_page_token"].string
                pages += 1
            } while token != nil && pages < 10
            #expect(pages == 3)
            #expect(ids.count == sandbox.itemCount && Set(ids).count == ids.count)
            let first = try await api.send("GET", "/v1/items/\(SupplierSandbox.knownItemID)")
            #expect(first.json == (try SandboxFixtures.json("supplier-api/item.json")))
            #expect(try await api.send("GET", "/v1/items?page_size=0").json["error"]["code"] == "invalid_request")
            #expect(try await api.send("GET", "/v1/items?page_token=forged").status == 400)
            let unknown = try await api.send("GET", "/v1/items/\(SupplierSandbox.unknownItemID)")
            #expect(unknown.status == 404 && unknown.json["error"]["code"] == "item_not_found")
        }
    }

    @Test func purchaseOrdersAreIdempotentByKey() async throws {
        try await withSupplierSandbox { _, api in
            let first = try await api.placeOrder(key: "po-key-1", lines: [(SupplierSandbox.knownItemID, 2)])
            #expect(first.status == 201)
            #expect(first.json["status"] == "received")
            #expect(first.json["total"] == ["amount": 4_198_000, "currency": "CZK"])
            let replay = try await api.placeOrder(key: "po-key-1", lines: [(SupplierSandbox.knownItemID, 2)])
            #expect(replay.status == 200)
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(replay.json["id"] == first.json["id"])
            let conflict = try await api.placeOrder(key: "po-key-1", lines: [(SupplierSandbox.knownItemID, 3)])
            #expect(conflict.status == 409 && conflict.json["error"]["code"] == "idempotency_conflict")
            let noKey = try await api.send("POST", "/v1/purchase-orders", body: #"{"reference":"x","lines":[]}"#)
            #expect(noKey.status == 400 && noKey.json["error"]["code"] == "missing_idempotency_key")
            let other = try await api.placeOrder(key: "po-key-2", lines: [(SupplierSandbox.knownItemID, 2)])
            #expect(other.json["id"] != first.json["id"])
        }
    }

    // MARK: Feeds

    @Test func fixtureFeedsAreServedByteForByte() async throws {
        try await withSupplierSandbox { _, api in
            for file in ["legacy-2011-heureka-sample.xml", "derived/heureka-product-feed-windows-1250.xml", "derived/broken_xxe.xml"] {
                let answer = try await api.send("GET", "/feeds/\(file)", key: .none)
                #expect(answer.status == 200)
                #expect(answer.body == (try SandboxFixtures.data("heureka/\(file)")))
            }
            #expect(try await api.send("GET", "/feeds/nothing-here.xml", key: .none).status == 404)
            #expect(try await api.send("GET", "/feeds/..%2F..%2FPackage.swift", key: .none).status == 404)
        }
    }

    @Test func generatedFeedIsWrittenInChunks() async throws {
        try await withSupplierSandbox { sandbox, api in
            let url = api.baseURL + "/feeds/generated.xml?items=20000&seed=9"
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
            #expect(response.headers.first(name: "Content-Length") == nil, "streamed, not buffered")
            var chunks = 0
            var body = ByteBuffer()
            for try await chunk in response.body {
                chunks += 1
                body.writeImmutableBuffer(chunk)
            }
            #expect(chunks > 10)
            let text = String(buffer: body)
            #expect(text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
            #expect(text.hasSuffix("</SHOP>\n"))
            #expect(text.components(separatedBy: "<SHOPITEM>").count - 1 == 20_000)
            #expect(text.contains("<ITEM_ID>\(SupplierFeedGenerator.itemID(20_000))</ITEM_ID>"))
        }
    }

    @Test func generatedFeedIsDeterministicAndEncodable() async throws {
        try await withSupplierSandbox { _, api in
            let one = try await api.send("GET", "/feeds/generated.xml?items=300&seed=4&invalid_every=25", key: .none)
            let again = try await api.send("GET", "/feeds/generated.xml?items=300&seed=4&invalid_every=25", key: .none)
            let other = try await api.send("GET", "/feeds/generated.xml?items=300&seed=5&invalid_every=25", key: .none)
            #expect(one.body == again.body)
            #expect(one.body != other.body)
            let utf8 = try #require(String(data: one.body, encoding: .utf8))
            #expect(utf8.components(separatedBy: "<PRICE_VAT>cena na dotaz</PRICE_VAT>").count - 1 == 4)  // items 25, 100, 175, 250
            let cp1250 = try await api.send("GET", "/feeds/generated.xml?items=300&seed=4&encoding=windows-1250", key: .none)
            #expect(String(data: cp1250.body, encoding: .utf8) == nil, "not UTF-8")
            #expect(cp1250.body.starts(with: Data(#"<?xml version="1.0" encoding="windows-1250"?>"#.utf8)))
            // "ž" is 0x9E and "ů" 0xF9 in windows-1250; the vocabulary has both.
            #expect(cp1250.body.contains(0x9E) || cp1250.body.contains(0xF9))
            #expect(try await api.send("GET", "/feeds/generated.xml?encoding=ebcdic", key: .none).status == 400)
        }
    }
}

// MARK: Helpers

private final class ReceivedSupplierWebhooks: Sendable {
    struct Hook: Sendable {
        let timestamp: String?
        let signature: String?
        let body: Data
    }

    private let hooks = NIOLockedValueBox<[Hook]>([])
    func add(timestamp: String?, signature: String?, body: Data) {
        hooks.withLockedValue { $0.append(Hook(timestamp: timestamp, signature: signature, body: body)) }
    }
    var all: [Hook] { hooks.withLockedValue { $0 } }
}

private struct SupplierAPI {
    let baseURL: String
    let apiKey: String

    struct Answer {
        let status: Int
        let headers: [(String, String)]
        let body: Data
        var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: body)) ?? .null }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// Which `X-Api-Key` a request carries.
    enum Key {
        case sandbox, none
        case other(String)
    }

    /// Sends with the sandbox's key unless `key` says otherwise.
    func send(
        _ method: String, _ path: String, key: Key = .sandbox, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        switch key {
        case .sandbox: request.headers.add(name: "X-Api-Key", value: apiKey)
        case .other(let other): request.headers.add(name: "X-Api-Key", value: other)
        case .none: break
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(bytes.readableBytesView))
    }

    func placeOrder(key: String, lines: [(String, Int)]) async throws -> Answer {
        let body = #"{"reference":"ref-\#(key)","lines":["#
            + lines.map { #"{"item_id":"\#($0.0)","quantity":\#($0.1)}"# }.joined(separator: ",") + "]}"
        return try await send("POST", "/v1/purchase-orders", headers: [("Idempotency-Key", key)], body: body)
    }
}

private func withSupplierSandbox(_ body: (SupplierSandbox, SupplierAPI) async throws -> Void) async throws {
    let sandbox = try SupplierSandbox()
    let server = try await SandboxServer.start(sandbox)
    do {
        try await body(sandbox, SupplierAPI(baseURL: server.baseURL, apiKey: sandbox.apiKey))
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
