import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Queue
import Sandbox
import TestSupport
import Testing

/// What a receiver answers when it cannot take an event: bodies it must not store (400, 413, 415), an upstream
/// without a secret, and a store or queue that fails (503, nothing acknowledged).
@Suite("Webhook receiver failures", .serialized)
struct WebhookReceiverFailureTests {
    @Test func aBodyThatIsNotJSONIs415() async throws {
        try await WebhookHarness.with { harness, client in
            let body = WebhookReceiverTests.stripeEvent()
            var headers = try harness.signedHeaders(.stripe, body: body)
            headers[.contentType] = "application/x-www-form-urlencoded"
            let response = try await client.webhook(.stripe, body: body, headers: headers)
            #expect(response.status == .unsupportedMediaType)
            #expect(try response.decode(WebhookProblemBody.self).type == "urn:atrium:problem:unsupported-media-type")
            #expect(try await harness.rows(.stripe).isEmpty)
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        try await WebhookHarness.with { harness, client in
            let padding = String(repeating: "x", count: harness.services.config.maxBodyBytes)
            let body = Data(#"{"id":"evt_big","type":"invoice.paid","padding":"\#(padding)"}"#.utf8)
            let response = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body))
            #expect(response.status == .contentTooLarge)
            #expect(try response.decode(WebhookProblemBody.self).type == "urn:atrium:problem:payload-too-large")
            #expect(try await harness.rows(.stripe).isEmpty)
        }
    }

    @Test(arguments: [UpstreamID.stripe, .whmcs, .salesforce, .sim, .supplier])
    func aSignedBodyWithoutAnEventIDIs400(_ upstream: UpstreamID) async throws {
        try await WebhookHarness.with { harness, client in
            for body in [#"{"type":"invoice.paid","event":"InvoicePaid","eventType":"line.activated"}"#, "[1,2]", "not json"] {
                let bytes = Data(body.utf8)
                let response = try await client.webhook(upstream, body: bytes, headers: try harness.signedHeaders(upstream, body: bytes))
                #expect(response.status == .badRequest, "\(upstream.rawValue): \(body)")
                #expect(try response.decode(WebhookProblemBody.self).type == "urn:atrium:problem:webhook-payload-invalid")
            }
            #expect(try await harness.rows(upstream).isEmpty)
        }
    }

    @Test func anUpstreamWithoutASecretIsRefusedWith503() async throws {
        try await WebhookHarness.with(.init(secrets: { $0[.sim] = nil; $0[.supplier] = [Secret("")] })) { harness, client in
            for upstream in [UpstreamID.sim, .supplier] {
                let body = try WebhookReceiverTests.fixtureEvent(upstream)
                let response = try await client.webhook(upstream, body: body, headers: try harness.signedHeaders(upstream, body: body))
                #expect(response.status == .serviceUnavailable, "\(upstream.rawValue)")
                #expect(try response.decode(WebhookProblemBody.self).type == "urn:atrium:problem:webhook-not-configured")
                #expect(try await harness.rows(upstream).isEmpty)
            }
        }
    }

    @Test func postgresDownAnswers503AndEnqueuesNothing() async throws {
        // A client for a port nothing listens on: every query fails or hangs past the receiver's deadline.
        var database = try TestEnv.database
        database.port = try freeLoopbackPort()
        let client = PostgresClient(configuration: .init(database), backgroundLogger: TestDatabase.logger)
        try await withRunning(client) { client in
            let store = AtriumStore.postgres(client: client, logger: TestDatabase.logger)
            try await WebhookHarness.with(.init(store: store, seedUsers: false)) { harness, http in
                let body = WebhookReceiverTests.stripeEvent()
                let response = try await http.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body))
                #expect(response.status == .serviceUnavailable)
                #expect(try response.decode(WebhookProblemBody.self).type == "urn:atrium:problem:service-unavailable")
                #expect(response.headers[.retryAfter] != nil)
                let counts = try await harness.webhookQueue.counts()
                #expect(counts == QueueCounts())
            }
        }
    }

    @Test func aFailedEnqueueIs503AndTheRetryQueuesTheStoredEvent() async throws {
        let store = AtriumStore.memory()
        let body = WebhookReceiverTests.stripeEvent()
        // No `webhooks` queue: the event is stored, its processing cannot be queued.
        try await WebhookHarness.with(.init(worker: false, store: store, jobs: JobQueues(queues: [:]))) { harness, client in
            let response = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body))
            #expect(response.status == .serviceUnavailable)
            #expect(try await harness.rows(.stripe).count == 1)
        }
        // The upstream's retry is a duplicate of a row not yet processed: it is queued now, and processed.
        try await WebhookHarness.with(.init(store: store, seedUsers: false)) { harness, client in
            let retry = try await client.webhook(.stripe, body: body, headers: try harness.signedHeaders(.stripe, body: body))
            #expect(retry.status == .ok)
            #expect(try retry.decode(WebhookAckBody.self).duplicate)
            let rows = try await harness.processed(.stripe)
            #expect(rows.count == 1 && rows.first?.attempts == 1)
        }
    }
}
