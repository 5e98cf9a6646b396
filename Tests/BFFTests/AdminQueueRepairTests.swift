@testable import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Queue
import Testing

/// Queue repair through the admin API on real Redis (`fulfillment` queue under the test's own key prefix):
/// a dead job retried runs again, remove, promote, pause/resume, dead-letter replay, paging, payload redaction,
/// and an audit row with the actor for each mutation.
@Suite("Admin queues: repair on Redis")
struct AdminQueueRepairTests {
    static let queueName = "fulfillment"

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func enqueue(_ harness: OrderHarness, payload: String = #"{"order_id": "x"}"#, runAt: Int64? = nil) async throws -> String {
        let queue = try #require(harness.services.jobs[queueName])
        let options = JobOptions(jobID: "test-\(UUID().uuidString.lowercased())", runAt: runAt)
        return try await queue.enqueue(name: "admin.test", payload: Array(payload.utf8), options: options, now: now()).id
    }

    /// Claims the next job and dead-letters it (a permanent failure), as a worker would.
    static func deadLetter(_ harness: OrderHarness, _ id: String) async throws {
        let queue = try #require(harness.services.jobs[queueName])
        let claim = try #require(try await queue.claim(lease: .seconds(30), now: now()).claimed)
        #expect(claim.job.id == id)
        #expect(try await queue.fail(claim, message: "upstream said no", retryAt: now(), permanent: true, now: now()) == .deadLettered)
    }

    static func withAdmin(_ body: @Sendable (OrderHarness, any TestClientProtocol, _ token: String, _ staff: UUID) async throws -> Void) async throws {
        try await OrderHarness.run(.redis) { harness in
            let router = buildRouter(services: harness.services, health: HealthController(checks: []))
            let staff = UUID()
            let token = try await harness.staffToken([.ops], user: staff)
            try await Application(router: router).test(.router) { client in try await body(harness, client, token, staff) }
        }
    }

    static func audit(_ harness: OrderHarness, _ action: String) async throws -> [AuditEntry] {
        try await harness.services.store.audit.entries(matching: AuditFilter(action: action), before: nil, limit: 50)
    }

    @Test func aDeadJobRetriedFromTheAdminAPIRunsAgain() async throws {
        try await Self.withAdmin { harness, client, token, staff in
            let queue = try #require(harness.services.jobs[Self.queueName])
            let id = try await Self.enqueue(harness)
            try await Self.deadLetter(harness, id)

            let dead = try await client.send(.get, "/api/v1/admin/queues/fulfillment/jobs?state=dead", token: token)
            #expect(dead.status == .ok)
            #expect(try dead.decode(AdminJobListDTO.self).data.map(\.id) == [id])
            let detail = try await client.send(.get, "/api/v1/admin/queues/fulfillment/jobs/\(id)", token: token).decode(AdminJobDetailDTO.self)
            #expect(detail.state == "dead" && detail.attempts == 1 && detail.errors.map(\.message) == ["upstream said no"])

            let retried = try await client.send(.post, "/api/v1/admin/queues/fulfillment/jobs/\(id)/retry", token: token)
            #expect(retried.status == .ok, "\(retried.text)")
            #expect(try await queue.job(id: id)?.state == .waiting)
            // A worker claims it again and it completes.
            let claim = try #require(try await queue.claim(lease: .seconds(30), now: Self.now()).claimed)
            #expect(claim.job.id == id)
            try await queue.complete(claim, now: Self.now())
            #expect(try await queue.job(id: id)?.state == .completed)
            // Retrying a job that is not dead is a conflict.
            #expect(try await client.send(.post, "/api/v1/admin/queues/fulfillment/jobs/\(id)/retry", token: token).status == .conflict)

            let rows = try await Self.audit(harness, "queue.job.retry")
            #expect(rows.contains { $0.actorID == staff && $0.outcome == "success" && $0.subject == "job:fulfillment/\(id)" && $0.actorKind == "staff" })
            #expect(rows.contains { $0.actorID == staff && $0.outcome == "failure" && $0.details["status"] == "409" })

            let queues = try await client.send(.get, "/api/v1/admin/queues", token: token).decode(AdminQueueListDTO.self)
            let fulfillment = try #require(queues.data.first { $0.name == "fulfillment" })
            #expect(fulfillment.counts.completed == 1 && fulfillment.counts.dead == 0)
            #expect(fulfillment.throughput.completedLastMinute == 1 && fulfillment.throughput.completedLast5Minutes == 1)
        }
    }

    @Test func retryByJobIDFindsTheQueue() async throws {
        try await Self.withAdmin { harness, client, token, _ in
            let id = try await Self.enqueue(harness)
            try await Self.deadLetter(harness, id)
            #expect(try await client.send(.post, "/api/v1/admin/jobs/\(id)/retry?queue=webhooks", token: token).status == .notFound)
            let response = try await client.send(.post, "/api/v1/admin/jobs/\(id)/retry", token: token)
            #expect(response.status == .ok, "\(response.text)")
            #expect(try response.decode(AdminQueueActionDTO.self).queue == "fulfillment")
            #expect(try await harness.services.jobs[Self.queueName]?.job(id: id)?.state == .waiting)
            #expect(try await client.send(.post, "/api/v1/admin/jobs/no-such-job/retry", token: token).status == .notFound)
        }
    }

    @Test func removeAndPromote() async throws {
        try await Self.withAdmin { harness, client, token, staff in
            let queue = try #require(harness.services.jobs[Self.queueName])
            let waiting = try await Self.enqueue(harness)
            #expect(try await client.send(.post, "/api/v1/admin/queues/fulfillment/jobs/\(waiting)/remove", token: token).status == .ok)
            #expect(try await queue.job(id: waiting) == nil)
            #expect(try await client.send(.post, "/api/v1/admin/queues/fulfillment/jobs/\(waiting)/remove", token: token).status == .notFound)

            let delayed = try await Self.enqueue(harness, runAt: Self.now() + 3_600_000)
            #expect(try await queue.job(id: delayed)?.state == .delayed)
            #expect(try await queue.claim(lease: .seconds(30), now: Self.now()).claimed == nil)
            #expect(try await client.send(.post, "/api/v1/admin/queues/fulfillment/jobs/\(delayed)/promote", token: token).status == .ok)
            #expect(try await queue.job(id: delayed)?.state == .waiting)
            #expect(try await client.send(.post, "/api/v1/admin/queues/fulfillment/jobs/\(delayed)/promote", token: token).status == .conflict)
            #expect(try await queue.claim(lease: .seconds(30), now: Self.now()).claimed?.job.id == delayed)

            #expect(try await Self.audit(harness, "queue.job.remove").contains { $0.actorID == staff && $0.outcome == "success" })
            #expect(try await Self.audit(harness, "queue.job.promote").contains { $0.actorID == staff && $0.outcome == "success" })
            #expect(try await client.send(.post, "/api/v1/admin/queues/no-such-queue/jobs/\(delayed)/remove", token: token).status == .notFound)
        }
    }

    @Test func pauseStopsClaimsAndResumeRestartsThem() async throws {
        try await Self.withAdmin { harness, client, token, staff in
            let queue = try #require(harness.services.jobs[Self.queueName])
            let id = try await Self.enqueue(harness)
            let paused = try await client.send(.post, "/api/v1/admin/queues/fulfillment/pause", token: token)
            #expect(try paused.decode(AdminQueueActionDTO.self).paused == true)
            #expect(try await queue.claim(lease: .seconds(30), now: Self.now()).claimed == nil)
            let list = try await client.send(.get, "/api/v1/admin/queues", token: token).decode(AdminQueueListDTO.self)
            #expect(list.data.first { $0.name == "fulfillment" }?.paused == true)
            #expect(list.data.first { $0.name == "webhooks" }?.paused == false)

            #expect(try await client.send(.post, "/api/v1/admin/queues/fulfillment/resume", token: token).status == .ok)
            #expect(try await queue.claim(lease: .seconds(30), now: Self.now()).claimed?.job.id == id)
            #expect(try await Self.audit(harness, "queue.pause").contains { $0.actorID == staff && $0.subject == "queue:fulfillment" })
            #expect(try await Self.audit(harness, "queue.resume").contains { $0.actorID == staff && $0.subject == "queue:fulfillment" })
        }
    }

    @Test func deadLetterReplayIsBounded() async throws {
        try await Self.withAdmin { harness, client, token, staff in
            let queue = try #require(harness.services.jobs[Self.queueName])
            for _ in 0..<3 { try await Self.deadLetter(harness, try await Self.enqueue(harness)) }
            #expect(try await queue.counts().dead == 3)
            #expect(try await client.send(.post, "/api/v1/admin/queues/fulfillment/dead/replay?limit=0", token: token).status == .badRequest)
            let replay = try await client.send(.post, "/api/v1/admin/queues/fulfillment/dead/replay?limit=2", token: token)
            #expect(try replay.decode(AdminQueueActionDTO.self).affected == 2)
            let counts = try await queue.counts()
            #expect(counts.dead == 1 && counts.waiting == 2)
            let rows = try await Self.audit(harness, "queue.dead.replay")
            #expect(rows.contains { $0.actorID == staff && $0.details["replayed"] == "2" })
        }
    }

    @Test func jobsPageByCursor() async throws {
        try await Self.withAdmin { harness, client, token, _ in
            var ids: [String] = []
            for _ in 0..<5 { ids.append(try await Self.enqueue(harness)) }
            var seen: [String] = []
            var path = "/api/v1/admin/queues/fulfillment/jobs?state=waiting&limit=2"
            var pages = 0
            while pages < 10 {
                let page = try await client.send(.get, path, token: token).decode(AdminJobListDTO.self)
                seen += page.data.map(\.id)
                pages += 1
                guard let next = page.nextCursor else { break }
                path = "/api/v1/admin/queues/fulfillment/jobs?state=waiting&limit=2&cursor=\(next)"
            }
            #expect(pages == 3)
            #expect(seen == ids)
            #expect(try await client.send(.get, "/api/v1/admin/queues/fulfillment/jobs?state=sleeping", token: token).status == .badRequest)
            #expect(try await client.send(.get, "/api/v1/admin/queues/fulfillment/jobs?cursor=bogus", token: token).status == .badRequest)
        }
    }

    @Test func payloadSecretsAreRedactedAtAnyDepth() async throws {
        try await Self.withAdmin { harness, client, token, _ in
            let payload = #"""
                {"order_id": "ord-1", "password": "hunter2-pw", "customer": {"email_verified": true, "card": {"number": "4242424242424242"},
                 "headers": [{"Authorization": "Bearer tok-abc"}, {"X-Api-Key": "key-123"}]}, "refresh_token": "rt-xyz", "client_secret": "cs-1"}
                """#
            let id = try await Self.enqueue(harness, payload: payload)
            let response = try await client.send(.get, "/api/v1/admin/queues/fulfillment/jobs/\(id)", token: token)
            #expect(response.status == .ok)
            for secret in ["hunter2-pw", "4242424242424242", "tok-abc", "key-123", "rt-xyz", "cs-1"] {
                #expect(!response.text.contains(secret), "\(secret) leaked")
            }
            let detail = try response.decode(AdminJobDetailDTO.self)
            guard case .object(let root) = try #require(detail.payload), case .object(let customer) = try #require(root["customer"]),
                case .array(let headers) = try #require(customer["headers"])
            else {
                Issue.record("payload shape: \(response.text)")
                return
            }
            #expect(root["order_id"] == .string("ord-1"))
            #expect(root["password"] == .string("[redacted]") && root["refresh_token"] == .string("[redacted]"))
            #expect(customer["card"] == .string("[redacted]") && customer["email_verified"] == .bool(true))
            #expect(headers == [.object(["Authorization": .string("[redacted]")]), .object(["X-Api-Key": .string("[redacted]")])])
        }
    }
}
