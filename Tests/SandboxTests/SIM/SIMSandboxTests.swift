import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Sandbox
import Testing

/// The SIM sandbox's own behaviour over raw HTTP (no adapter): auth keys, result codes, locks, de-duplication,
/// the usage rate limit, the card pool and signed webhooks.
@Suite struct SIMSandboxTests {
    typealias Ops = SIMSandbox.Operations

    // MARK: Auth and reads

    @Test func authKeysAreIssuedCheckedAndExpired() async throws {
        try await withSandbox { sandbox, api in
            let refused = try await api.call(Ops.auth, ["oemId": sandbox.oemID, "oemKey": "nope"])
            #expect(refused.json["resultCode"] == "211")
            #expect(refused.json["status"]["statusCode"] == "401")
            let key = try await api.authKey()
            let auth = try await api.call(Ops.auth, ["oemId": sandbox.oemID, "oemKey": sandbox.oemKey])
            #expect(auth.json["expiresIn"] == "3600")
            #expect(try await api.call(Ops.account, ["authKey": key, "account": SIMSandbox.aliceAccountID]).json["resultCode"] == "100")
            #expect(
                try await api.call(Ops.account, ["authKey": "AK-forged", "account": SIMSandbox.aliceAccountID]).json["resultCode"] == "210"
            )
            sandbox.expireAuthKeys()
            let expired = try await api.call(Ops.account, ["authKey": key, "account": SIMSandbox.aliceAccountID])
            #expect(expired.status == 200)
            #expect(expired.json["resultCode"] == "210")
        }
    }

    @Test func seedMatchesTheConstants() async throws {
        try await withSandbox { sandbox, api in
            let key = try await api.authKey()
            let alice = try await api.call(Ops.account, ["authKey": key, "account": SIMSandbox.aliceAccountID]).json["account"]
            #expect(alice["accountName"] == "Alice Demo")
            let aliceLines = try #require(alice["lines"].array)
            #expect(aliceLines.compactMap { $0["msisdn"].string } == SIMSandbox.aliceLineIDs)
            #expect(aliceLines.allSatisfy { $0["status"] == "active" && $0["lockedBy"] == "" })
            let bob = try await api.call(Ops.account, ["authKey": key, "account": SIMSandbox.bobAccountID]).json["account"]
            #expect(bob["lines"].array?.compactMap { $0["msisdn"].string } == [SIMSandbox.bobLineID])
            #expect(try await api.call(Ops.account, ["authKey": key, "account": "ACC-NOBODY"]).json["resultCode"] == "230")
            #expect(try await api.call(Ops.line, ["authKey": key, "msisdn": SIMSandbox.unknownLineID]).json["resultCode"] == "231")
            for msisdn in SIMSandbox.aliceLineIDs + [SIMSandbox.bobLineID] {
                let traffic = try await api.call(Ops.traffic, ["authKey": key, "msisdn": msisdn]).json["traffic"]
                #expect(Int64(traffic["usedBytes"].string ?? "") ?? 0 > 0, "no usage seeded for \(msisdn)")
            }
            #expect(sandbox.freeICCIDs.count >= 20)
            #expect(sandbox.freeICCIDs.allSatisfy(luhnValid))
            #expect(Set(sandbox.freeICCIDs).count == sandbox.freeICCIDs.count)
        }
    }

    @Test func requestsMustBeTheJSONFormFieldAndNameAnOperation() async throws {
        try await withSandbox { sandbox, api in
            let raw = try await api.post("/emptool/api/master/getAcnt/", body: #"{"account":"ACC-ALICE"}"#, type: "application/json")
            #expect(raw.json["resultCode"] == "220")
            let unknown = try await api.post("/emptool/api/master/teleport/", body: "json=%7B%7D")
            #expect(unknown.status == 404)
            #expect(unknown.json["resultCode"] == "221")
            let key = try await api.authKey()
            let noSlash = try await api.post("/emptool/api/master/getAcnt", body: api.form(["authKey": key, "account": "ACC-BOB"]))
            #expect(noSlash.json["resultCode"] == "100")
            #expect(sandbox.control.callCount(Ops.account) == 2)
        }
    }

    @Test func usagePollingIsRateLimitedPerSecond() async throws {
        try await withSandbox(usageRequestsPerSecond: 3) { _, api in
            let key = try await api.authKey()
            var answers: [Answer] = []
            for _ in 0..<12 { answers.append(try await api.call(Ops.traffic, ["authKey": key, "msisdn": SIMSandbox.bobLineID])) }
            #expect(answers.prefix(3).allSatisfy { $0.status == 200 })
            let limited = try #require(answers.first { $0.status == 429 }, "twelve quick polls were all answered")
            #expect(limited.json["resultCode"] == "260")
            #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await api.call(Ops.traffic, ["authKey": key, "msisdn": SIMSandbox.bobLineID]).status == 200)
        }
    }

    // MARK: Operations

    @Test func operationsLockTheLineAdvanceAndReplayByRequestID() async throws {
        try await withSandbox(operationDelay: .seconds(1)) { _, api in
            let key = try await api.authKey()
            let line = SIMSandbox.aliceLineIDs[0]
            let request = ["authKey": key, "msisdn": line, "planCode": SIMSandbox.plan20GB, "requestId": "r-1"]
            let submitted = try await api.call(Ops.changePlan, request).json
            let id = try #require(submitted["operationId"].string)
            #expect(submitted["operation"]["status"] == "accepted")
            #expect(submitted["operation"]["kind"] == "changePlan")
            #expect(try await api.call(Ops.line, ["authKey": key, "msisdn": line]).json["line"]["lockedBy"] == .string(id))
            let locked = try await api.call(Ops.deactivate, ["authKey": key, "msisdn": line, "requestId": "r-2"]).json
            #expect(locked["resultCode"] == "240")
            #expect(locked["lockedBy"] == .string(id))
            #expect(try await api.call(Ops.changePlan, request).json["operationId"] == .string(id))
            var other = request
            other["planCode"] = SIMSandbox.planUnlimited
            #expect(try await api.call(Ops.changePlan, other).json["resultCode"] == "242")
            try await Task.sleep(for: .milliseconds(300))
            #expect(
                try await api.call(Ops.operationStatus, ["authKey": key, "operationId": id]).json["operation"]["status"] == "processing"
            )
            try await Task.sleep(for: .milliseconds(800))
            let done = try await api.call(Ops.operationStatus, ["authKey": key, "operationId": id]).json["operation"]
            #expect(done["status"] == "completed")
            #expect(done["completedAt"].string?.count == 14)
            let after = try await api.call(Ops.line, ["authKey": key, "msisdn": line]).json["line"]
            #expect(after["planCode"] == .string(SIMSandbox.plan20GB))
            #expect(after["lockedBy"] == "")
            #expect(try await api.call(Ops.operationStatus, ["authKey": key, "operationId": "OP-999999"]).json["resultCode"] == "232")
        }
    }

    @Test func provisioningLifecycleAndPool() async throws {
        try await withSandbox(operationDelay: .milliseconds(50)) { sandbox, api in
            let key = try await api.authKey()
            let firstFree = try #require(sandbox.freeICCIDs.first)
            let allocated = try await api.call(
                Ops.allocate,
                ["authKey": key, "account": "ACC-BOB", "planCode": "SIM-5GB", "requestId": "p-1"]
            ).json
            let msisdn = try #require(allocated["operation"]["msisdn"].string)
            #expect(sandbox.line(msisdn: msisdn)?["iccid"] == .string(firstFree))
            #expect(sandbox.line(msisdn: msisdn)?["status"] == "reserved")
            #expect(!sandbox.freeICCIDs.contains(firstFree))
            for (step, status) in [(Ops.configure, "registered"), (Ops.release, "returned")] {
                try await Task.sleep(for: .milliseconds(100))
                let answer = try await api.call(step, ["authKey": key, "msisdn": msisdn, "requestId": "p-" + step]).json
                #expect(answer["resultCode"] == "100", "\(step)")
                // No request comes in meanwhile: the sandbox's own timer must finish the operation.
                for _ in 0..<100 where sandbox.line(msisdn: msisdn)?["status"] != .string(status) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(sandbox.line(msisdn: msisdn)?["status"] == .string(status), "after \(step)")
                #expect(sandbox.line(msisdn: msisdn)?["lockedBy"] == "", "after \(step)")
            }
            #expect(sandbox.freeICCIDs.last == firstFree)
            let activate = try await api.call(Ops.activate, ["authKey": key, "msisdn": msisdn, "requestId": "p-3"]).json
            #expect(activate["resultCode"] == "241")
        }
    }

    @Test func finishedOperationsSendSignedWebhooks() async throws {
        let received = ReceivedSIMWebhooks()
        let router = Router()
        router.post("hooks") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 16)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            received.add(headers: headers, body: Data(buffer: body))
            return HTTPResponse.Status.noContent
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            try await withSandbox(operationDelay: .milliseconds(100)) { sandbox, api in
                sandbox.control.webhookURL = "http://127.0.0.1:\(port)/hooks"
                sandbox.failNextOperation("verify", errorCode: "520", message: "no attach")
                let key = try await api.authKey()
                let line = SIMSandbox.aliceLineIDs[1]
                _ = try await api.call(Ops.changePlan, ["authKey": key, "msisdn": line, "planCode": "SIM-5GB", "requestId": "w-1"])
                try await Task.sleep(for: .milliseconds(300))
                _ = try await api.call(Ops.verify, ["authKey": key, "msisdn": line, "requestId": "w-2"])
                for _ in 0..<100 where received.all.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
                let hooks = received.all
                try #require(hooks.count == 2)
                for hook in hooks {
                    let timestamp = try #require(hook.headers["x-sim-timestamp"])
                    let signature = try #require(hook.headers["x-sim-signature"])
                    let expected = SandboxSigning.hmacSHA256Hex(
                        secret: sandbox.webhookSecret,
                        message: Data((timestamp + ".").utf8) + hook.body
                    )
                    #expect(signature == expected)
                    #expect(abs((Double(timestamp) ?? 0) - Date().timeIntervalSince1970) < 60)
                }
                let events = try hooks.map { try JSONDecoder().decode(JSONValue.self, from: $0.body) }
                #expect(events[0]["eventType"] == "line.planChanged")
                #expect(events[0]["operation"]["status"] == "completed")
                #expect(events[0]["line"]["planCode"] == "SIM-5GB")
                #expect(events[1]["eventType"] == "operation.failed")
                #expect(events[1]["operation"]["errorCode"] == "520")
                #expect(events[1]["line"]["status"] == "active")
                // The emitter records a delivery once the receiver's answer is back, a moment after the receiver saw it.
                for _ in 0..<100 where sandbox.control.deliveries.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
                #expect(sandbox.control.deliveries.map(\.status) == [204, 204])
            }
        }
    }
}

// MARK: Helpers

private func luhnValid(_ digits: String) -> Bool {
    var sum = 0
    for (offset, character) in digits.reversed().enumerated() {
        guard var digit = character.wholeNumberValue else { return false }
        if offset % 2 == 1 {
            digit *= 2
            if digit > 9 { digit -= 9 }
        }
        sum += digit
    }
    return sum % 10 == 0
}

private struct Answer: Sendable {
    let status: Int
    let headers: [String: String]
    let json: JSONValue
}

/// Speaks the platform's wire format by hand: a `json=` form field, POST per operation.
private struct PlatformAPI: Sendable {
    let baseURL: String
    let sandbox: SIMSandbox

    func form(_ document: [String: String]) throws -> String {
        let encoded = String(decoding: try JSONEncoder().encode(document), as: UTF8.self)
        return "json=" + (encoded.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    func call(_ operation: String, _ document: [String: String]) async throws -> Answer {
        try await post("/emptool/api/\(operation)/", body: form(document))
    }

    func authKey() async throws -> String {
        let answer = try await call(SIMSandbox.Operations.auth, ["oemId": sandbox.oemID, "oemKey": sandbox.oemKey])
        return try #require(answer.json["authKey"].string)
    }

    func post(_ path: String, body: String, type: String = "application/x-www-form-urlencoded") async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: type)
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let data = try await response.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: data))
        return Answer(status: Int(response.status.code), headers: headers, json: json)
    }
}

private func withSandbox(
    operationDelay: Duration = .milliseconds(200),
    usageRequestsPerSecond: Int = 5,
    _ body: (SIMSandbox, PlatformAPI) async throws -> Void
) async throws {
    let sandbox = try SIMSandbox(operationDelay: operationDelay, usageRequestsPerSecond: usageRequestsPerSecond)
    let server = try await SandboxServer.start(sandbox)
    do {
        try await body(sandbox, PlatformAPI(baseURL: server.baseURL, sandbox: sandbox))
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

private final class ReceivedSIMWebhooks: Sendable {
    private let box = NIOLockedValueBox<[(headers: [String: String], body: Data)]>([])
    func add(headers: [String: String], body: Data) { box.withLockedValue { $0.append((headers, body)) } }
    var all: [(headers: [String: String], body: Data)] { box.withLockedValue { $0 } }
}
