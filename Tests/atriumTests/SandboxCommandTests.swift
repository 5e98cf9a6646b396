import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

private func call(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil) async throws -> (status: Int, body: String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
}

/// `atrium sandbox` run as a frontend developer would: one JSON line, five upstreams answering with the printed
/// credentials, a clean stop on SIGTERM.
@Suite("atrium sandbox")
struct SandboxCommandTests {
    @Test func printsOneLineAndServesEveryUpstream() async throws {
        let process = try AtriumProcess.start(["sandbox"], environment: [:])
        defer { process.forceStop() }
        try await process.waitForOutput(containing: "\"supplier\"", within: .seconds(30))
        let line = try #require(process.stdout.split(separator: "\n").first)
        let announced = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: String]])
        #expect(Set(announced.keys) == ["stripe", "whmcs", "salesforce", "sim", "supplier"])
        for (name, entry) in announced {
            #expect(entry["base_url"]?.hasPrefix("http://127.0.0.1:") == true, "\(name)")
            #expect(entry["webhook_secret"]?.isEmpty == false, "\(name) prints no webhook secret")
        }

        // Stripe: the printed key opens Alice's customer; another key is refused.
        let stripe = try #require(announced["stripe"])
        let customerURL = (stripe["base_url"] ?? "") + "/v1/customers/cus_DemoAlice0001"
        let alice = try await call(customerURL, headers: [("Authorization", "Bearer \(stripe["api_key"] ?? "")")])
        #expect(alice.status == 200)
        #expect(alice.body.contains("alice@demo.atrium.test"))
        #expect(try await call(customerURL, headers: [("Authorization", "Bearer sk_test_wrong")]).status == 401)

        // WHMCS: the printed identifier and secret open client 1001.
        let whmcs = try #require(announced["whmcs"])
        let form = "action=GetClientsDetails&clientid=1001&responsetype=json&identifier=\(whmcs["identifier"] ?? "")&secret=\(whmcs["secret"] ?? "")"
        let details = try await call(
            (whmcs["base_url"] ?? "") + "/includes/api.php", method: .POST,
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: form
        )
        #expect(details.status == 200)
        #expect(details.body.contains("success"), "\(details.body.prefix(200))")

        // Every sandbox records its calls under /_sandbox/calls.
        let calls = try await call((stripe["base_url"] ?? "") + "/_sandbox/calls")
        let recorded = try #require(try JSONSerialization.jsonObject(with: Data(calls.body.utf8)) as? [[String: Any]])
        #expect(recorded.count == 2)

        let status = try await process.stop(signal: SIGTERM, within: .seconds(10))
        #expect(status == 0)
    }
}
