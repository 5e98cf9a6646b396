@testable import BFF
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Foundation
import Queue
import Testing

/// `GET /admin/webhooks`, `GET /admin/webhooks/{id}` and `POST /admin/webhooks/{id}/replay` on real Redis queues.
@Suite struct AdminWebhookTests {
    static let invoicePaid = #"{"id":"evt_admin_1","type":"invoice.paid","data":{"object":{"id":"in_1","object":"invoice","customer":"cus_DemoAlice0001"}}}"#

    private func store(_ harness: OrderHarness, provider: String, type: String, payload: Data) async throws -> StoredWebhook {
        try await harness.services.store.webhooks.receive(
            InboundWebhook(provider: provider, eventID: "evt_\(UUID().uuidString.prefix(12))", eventType: type, payload: payload, headers: ["X-Event": type], receivedAt: Date())
        ).webhook
    }

    @Test func listInspectAndReplayAFailedRow() async throws {
        try await OrderHarness.withAdmin(.redis) { harness, client in
            let token = try await harness.staffToken([.ops])
            let failed = try await store(harness, provider: "stripe", type: "invoice.paid", payload: Data(Self.invoicePaid.utf8))
            let binary = try await store(harness, provider: "whmcs", type: "InvoicePaid", payload: Data([0xff, 0xfe, 0x00]))
            let inbox = harness.services.store.webhooks
            _ = try await inbox.markProcessing(id: failed.id, at: Date())
            try await inbox.markFailed(id: failed.id, error: "upstream said no", at: Date())
            // Its job ran out of attempts: dead-lettered.
            let queue = try #require(harness.services.jobs[WebhookProcessingJob.queue])
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            #expect(try await WebhookProcessingJob.enqueue(inboxID: failed.id, on: queue, now: Date()))
            let claim = try #require(try await queue.claim(lease: .seconds(30), now: now).claimed)
            _ = try await queue.fail(claim, message: "upstream said no", retryAt: now, permanent: true, now: now)
            let jobID = WebhookProcessingJob.jobID(inboxID: failed.id)
            #expect(try await queue.job(id: jobID)?.state == .dead)

            let list = try jsonObject(try await client.send(.get, "/api/v1/admin/webhooks?status=failed&provider=stripe", token: token))
            #expect((list["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [failed.id.uuidString.lowercased()])
            let detail = try jsonObject(try await client.send(.get, "/api/v1/admin/webhooks/\(failed.id)", token: token))
            #expect(detail["payload"] as? String == Self.invoicePaid)
            #expect(detail["payload_encoding"] as? String == "utf8")
            #expect(detail["last_error"] as? String == "upstream said no")
            #expect((detail["job"] as? [String: Any])?["state"] as? String == "dead")
            let raw = try jsonObject(try await client.send(.get, "/api/v1/admin/webhooks/\(binary.id)", token: token))
            #expect(raw["payload"] as? String == Data([0xff, 0xfe, 0x00]).base64EncodedString())
            #expect(raw["payload_encoding"] as? String == "base64")

            #expect(try await client.send(.post, "/api/v1/admin/webhooks/\(failed.id)/replay", token: try await harness.staffToken([.sales])).status == .forbidden)
            let staff = UUID()
            let replay = try await client.send(.post, "/api/v1/admin/webhooks/\(failed.id)/replay", token: try await harness.staffToken([.admin], user: staff))
            #expect(replay.status == .accepted)
            // The dead job is back in line with fresh attempts.
            #expect(try await queue.job(id: jobID)?.state == .waiting)
            let rows = try await harness.auditRows(action: "webhook.replay", subject: "webhook:\(failed.id.uuidString.lowercased())")
            #expect(rows.contains { $0.actorID == staff && $0.outcome == "success" && $0.details["result"] == "retried" })

            // A real worker runs the replayed job: the failed row is processed this time.
            let worker = JobWorker(queue: queue, configuration: .init(concurrency: 1, maxIdlePoll: .milliseconds(20)), logger: harness.services.logger)
            ProductJobs.register(on: worker, queue: WebhookProcessingJob.queue, services: harness.services.jobServices)
            let task = Task { await worker.run() }
            var status = WebhookStatus.failed
            for _ in 0..<300 where status != .processed {
                try await Task.sleep(for: .milliseconds(50))
                status = try await inbox.webhook(id: failed.id)?.status ?? .failed
            }
            await worker.shutdown(deadline: .seconds(5))
            task.cancel()
            await task.value
            #expect(status == .processed)
            #expect(try await queue.job(id: jobID)?.state == .completed)

            // A row without a job gets one; a processed row is refused.
            #expect(try await client.send(.post, "/api/v1/admin/webhooks/\(binary.id)/replay", token: token).status == .accepted)
            #expect(try await queue.job(id: WebhookProcessingJob.jobID(inboxID: binary.id))?.state == .waiting)
            try await inbox.markProcessed(id: binary.id, at: Date())
            #expect(try await client.send(.post, "/api/v1/admin/webhooks/\(binary.id)/replay", token: token).status == .conflict)
            #expect(try await client.send(.get, "/api/v1/admin/webhooks/\(UUID())", token: token).status == .notFound)
        }
    }
}
