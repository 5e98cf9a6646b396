import AsyncHTTPClient
import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import Sandbox
import Testing

/// A minimal upstream for exercising the kit: `GET /v1/things/{id}` answers a fixed JSON document.
private final class ThingsUpstream: SandboxUpstream {
    let upstream = UpstreamID.supplier
    let control = SandboxControl()
    var credentials: [String: String] { ["api_key": "k"] }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("v1/things/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"id":"\#(id)","name":"a thing with a long enough name"}"#))
            )
        }
    }
}

private func get(_ url: String, timeout: Duration = .seconds(5)) async throws -> (status: Int, headers: [(String, String)], body: String) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .init(timeout))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), response.headers.map { ($0.name, $0.value) }, String(buffer: body))
}

private func withServer<T>(_ upstream: ThingsUpstream, _ body: (SandboxServer) async throws -> T) async throws -> T {
    let server = try await SandboxServer.start(upstream)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

@Suite("Sandbox kit")
struct SandboxKitTests {
    @Test func recordsCallsUnderTemplatedOperationNames() async throws {
        let upstream = ThingsUpstream()
        try await withServer(upstream) { (server) async throws in
            let answer = try await get(server.baseURL + "/v1/things/th_123?expand=x")
            #expect(answer.status == 200)
            #expect(answer.body.contains("th_123"))
            let calls = upstream.control.calls("GET /v1/things/{id}")
            #expect(calls.count == 1)
            #expect(calls.first?.query == "expand=x")
            #expect(upstream.control.callCount("GET /v1/*") == 1)
            #expect(upstream.control.callCount("POST /v1/things") == 0)
        }
    }

    @Test func countedFaultsApplyThenExpire() async throws {
        let upstream = ThingsUpstream()
        upstream.control.inject("GET /v1/things/{id}", .status(503, body: nil), times: 2)
        try await withServer(upstream) { (server) async throws in
            #expect(try await get(server.baseURL + "/v1/things/1").status == 503)
            #expect(try await get(server.baseURL + "/v1/things/1").status == 503)
            #expect(try await get(server.baseURL + "/v1/things/1").status == 200)
            #expect(upstream.control.faults.isEmpty)
        }
    }

    @Test func rateLimitCarriesRetryAfter() async throws {
        let upstream = ThingsUpstream()
        upstream.control.inject("*", .rateLimited(retryAfterSeconds: 7), times: 1)
        try await withServer(upstream) { (server) async throws in
            let answer = try await get(server.baseURL + "/v1/things/1")
            #expect(answer.status == 429)
            #expect(answer.headers.first { $0.0.lowercased() == "retry-after" }?.1 == "7")
        }
    }

    @Test func malformedAndTruncatedBodies() async throws {
        let upstream = ThingsUpstream()
        upstream.control.inject("*", .malformedBody, times: 1)
        upstream.control.inject("*", .truncatedBody, times: 1)
        try await withServer(upstream) { (server) async throws in
            let malformed = try await get(server.baseURL + "/v1/things/1")
            #expect(malformed.status == 200)
            #expect(malformed.body.contains("sandbox_fault"))
            let truncated = try await get(server.baseURL + "/v1/things/1")
            let full = try await get(server.baseURL + "/v1/things/1")
            #expect(truncated.body.utf8.count == full.body.utf8.count / 2)
            #expect(full.body.hasPrefix(truncated.body))
            #expect((try? JSONSerialization.jsonObject(with: Data(truncated.body.utf8))) == nil)
        }
    }

    @Test func latencyDelaysTheAnswer() async throws {
        let upstream = ThingsUpstream()
        upstream.control.inject("*", .latency(milliseconds: 300), times: 1)
        try await withServer(upstream) { (server) async throws in
            let start = ContinuousClock.now
            #expect(try await get(server.baseURL + "/v1/things/1").status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
        }
    }

    @Test func hangingRequestsAreReleasedOnStop() async throws {
        let upstream = ThingsUpstream()
        upstream.control.inject("*", .hang)
        let server = try await SandboxServer.start(upstream)
        let pending = Task { try? await get(server.baseURL + "/v1/things/1", timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        await server.stop()
        _ = await pending.value
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(upstream.control.callCount() == 1)
    }

    @Test func controlRoutesWorkOverHTTP() async throws {
        let upstream = ThingsUpstream()
        try await withServer(upstream) { (server) async throws in
            var inject = HTTPClientRequest(url: server.baseURL + "/_sandbox/faults")
            inject.method = .POST
            inject.headers.add(name: "Content-Type", value: "application/json")
            let rule = try JSONEncoder().encode(FaultRule("GET /v1/things/{id}", .status(418, body: nil), times: 1))
            inject.body = .bytes(ByteBuffer(data: rule))
            #expect(try await HTTPClient.shared.execute(inject, timeout: .seconds(5)).status.code == 204)
            #expect(try await get(server.baseURL + "/v1/things/1").status == 418)
            let calls = try await get(server.baseURL + "/_sandbox/calls")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let recorded = try decoder.decode([RecordedCall].self, from: Data(calls.body.utf8))
            #expect(recorded.map(\.operation) == ["GET /v1/things/{id}"])
        }
    }

    @Test func webhooksAreSignedAndRecorded() async throws {
        let received = ReceivedWebhooks()
        let router = Router()
        router.post("hooks") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 16)
            received.add(signature: request.headers[.init("X-Test-Signature")!] ?? "", body: Data(buffer: body))
            return HTTPResponse.Status.noContent
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let control = SandboxControl(webhookURL: "http://127.0.0.1:\(client.port!)/hooks")
            let body = Data(#"{"event":"thing.changed"}"#.utf8)
            let signature = SandboxSigning.hmacSHA256Hex(secret: "s3cret", message: body)
            let status = await WebhookEmitter(control: control).send(event: "thing.changed", body: body, headers: [("X-Test-Signature", signature)])
            #expect(status == 204)
            #expect(control.deliveries.map(\.status) == [204])
            #expect(received.all.first?.body == body)
            #expect(received.all.first?.signature == signature)
        }
        // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
        #expect(SandboxSigning.hmacSHA256Hex(secret: "Jefe", message: Data("what do ya want for nothing?".utf8))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func operationTemplates() {
        #expect(SandboxOperation.template(method: "GET", path: "/v1/invoices/in_1MtHbE") == "GET /v1/invoices/{id}")
        #expect(SandboxOperation.template(method: "GET", path: "/services/data/v60.0/sobjects/Account/001DM00000ALICE1AA")
            == "GET /services/data/v60.0/sobjects/Account/{id}")
        #expect(SandboxOperation.template(method: "POST", path: "/v1/customers") == "POST /v1/customers")
    }
}

private final class ReceivedWebhooks: Sendable {
    private let box = NIOLockedValueBox<[(signature: String, body: Data)]>([])
    func add(signature: String, body: Data) { box.withLockedValue { $0.append((signature, body)) } }
    var all: [(signature: String, body: Data)] { box.withLockedValue { $0 } }
}

@Suite("Sandbox signing")
struct SandboxSigningTests {
    @Test func timestampedSignatureIsHMACOfTimestampDotBody() {
        let body = Data(#"{"id":"evt_1"}"#.utf8)
        #expect(SandboxSigning.timestamped(secret: "s", timestamp: 1_700_000_000, body: body)
            == SandboxSigning.hmacSHA256Hex(secret: "s", message: Data(#"1700000000.{"id":"evt_1"}"#.utf8)))
        #expect(SandboxSigning.timestamped(secret: "s", timestamp: 1_700_000_001, body: body)
            != SandboxSigning.timestamped(secret: "s", timestamp: 1_700_000_000, body: body))
    }

    @Test func randomSecretsKeepTheirPrefixAndDiffer() {
        let first = SandboxSigning.randomSecret("whsec_")
        #expect(first.hasPrefix("whsec_") && first.count == 6 + 32)
        #expect(first != SandboxSigning.randomSecret("whsec_"))
    }
}
