import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Sandbox
import TestSupport
import Testing

/// The receivers' real answers against the contract: every status they give is documented for the operation,
/// with the documented body.
@Suite("Webhook receivers against the contract", .serialized)
struct WebhookContractTests {
    @Test func everyReceiversAnswersMatchTheContract() async throws {
        let contract = ContractChecker()
        try await WebhookHarness.with(.init(worker: false)) { harness, client in
            for upstream in UpstreamID.allCases {
                let path = "/webhooks/\(upstream.rawValue)"
                let body = upstream == .stripe ? WebhookReceiverTests.stripeEvent() : try WebhookReceiverTests.fixtureEvent(upstream)
                let text = String(decoding: body, as: UTF8.self)
                let signed = try harness.signedHeaders(upstream, body: body)
                let ack = try await contract.check(client, .post, path, json: text, headers: signed)
                #expect(ack["duplicate"] == false)
                let duplicate = try await contract.check(client, .post, path, json: text, headers: signed)
                #expect(duplicate["duplicate"] == true)
                let forged = try harness.signedHeaders(upstream, body: body, secret: "forged")
                try await contract.check(client, .post, path, json: text, headers: forged, expect: .unauthorized)
                let empty = Data("{}".utf8)
                try await contract.check(client, .post, path, json: "{}", headers: try harness.signedHeaders(upstream, body: empty), expect: .badRequest)
                try await contract.check(client, .post, path, headers: [.contentType: "text/plain"], expect: .unsupportedMediaType)
            }
            let big = String(repeating: "x", count: harness.services.config.maxBodyBytes + 1)
            try await contract.check(client, .post, "/webhooks/stripe", json: big, expect: .contentTooLarge)
        }
        try await WebhookHarness.with(.init(worker: false, secrets: { $0[.stripe] = [] })) { harness, client in
            let body = WebhookReceiverTests.stripeEvent()
            let text = String(decoding: body, as: UTF8.self)
            try await contract.check(client, .post, "/webhooks/stripe", json: text, headers: try harness.signedHeaders(.stripe, body: body), expect: .serviceUnavailable)
        }
        let documented = Set(OpenAPIDocument.atrium.operations.filter { $0.tag == "webhooks" }.map { "\($0.method) \($0.path)" })
        #expect(documented.count == 5)
        #expect(documented.isSubset(of: Set(contract.checked.map { "\($0.method) \($0.path)" })))
    }

    @Test func theReceiversAreDocumentedWithTheirSignatureHeaders() throws {
        let paths = OpenAPIDocument.atrium.json["paths"]
        for upstream in UpstreamID.allCases {
            let operation = try #require(paths?["/webhooks/\(upstream.rawValue)"]?["post"], "\(upstream.rawValue) is not documented")
            #expect(operation["tags"] == ["webhooks"])
            #expect(operation["security"] == [])
            let headers = Set((operation["parameters"]?.arrayValue ?? []).compactMap { $0["in"] == "header" ? $0["name"]?.stringValue : nil })
            let receiver = WebhookUpstream(upstream)
            #expect(headers.contains(receiver.signatureHeader.rawName), "\(upstream.rawValue) does not document its signature header")
            if let timestamp = receiver.timestampHeader { #expect(headers.contains(timestamp.rawName)) }
            let statuses = Set((operation["responses"]?.objectValue ?? [:]).keys)
            #expect(statuses.isSuperset(of: ["200", "400", "401", "413", "415", "503"]), "\(upstream.rawValue): \(statuses.sorted())")
        }
    }
}
