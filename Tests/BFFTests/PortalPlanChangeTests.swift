@testable import BFF
import Domain
import Foundation
import Hummingbird
import Providers
import HummingbirdTesting
import Queue
import Sandbox
import Testing

/// `POST /sims/{id}/plan-change`: one job on the fulfillment queue, run by ``PlanChangeJob``'s handler against the
/// SIM sandbox, on the memory queue and on the test Redis.
@Suite("Portal plan change")
struct PortalPlanChangeTests {
    @Test(arguments: [PortalHarness.Backend.memory, .redis])
    func aPlanChangeQueuesOneJobThatChangesThePlan(_ backend: PortalHarness.Backend) async throws {
        try await PortalHarness.with(backend) { harness, client in
            let line = SIMSandbox.aliceLineIDs[0]
            let before = try await client.call(.get, "/api/v1/sims/\(line)", as: harness.alice)
            #expect(try before.decode(SIMLineDTO.self).plan == SIMSandbox.plan5GB)

            let response = try await client.call(.post, "/api/v1/sims/\(line)/plan-change", as: harness.alice, json: #"{"plan":"SIM-20GB"}"#)
            #expect(response.status == .accepted)
            let accepted = try response.decode(PlanChangeAcceptedDTO.self)
            #expect(accepted.status == "queued" && accepted.lineID == line && accepted.plan == SIMSandbox.plan20GB)
            #expect(accepted.operationID.hasPrefix("op_") && accepted.operationID.count == 35)

            let queue = try #require(harness.services.jobs["fulfillment"])
            #expect(try await queue.counts().waiting == 1)
            let jobID = PlanChangeJob.jobID(operationID: accepted.operationID)
            let job = try #require(try await queue.job(id: jobID))
            #expect(job.name == "sim.plan-change")
            let payload = try job.decode(PlanChangeJob.Payload.self)
            #expect(payload == PlanChangeJob.Payload(
                userID: harness.alice, tenant: "demo", lineID: line, plan: SIMSandbox.plan20GB, operationID: accepted.operationID
            ))
            // Nothing reached the platform yet: the route only queues.
            #expect(harness.sandboxes.sim.control.callCount(SIMSandbox.Operations.changePlan) == 0)

            let worker = JobWorker(queue: queue, configuration: .init(concurrency: 1, lease: .seconds(30)))
            worker.register(
                PlanChangeJob.name,
                handler: PlanChangeJob.handler(providers: harness.services.providers, cache: harness.services.cache, pollInterval: .milliseconds(100))
            )
            let running = Task { await worker.run() }
            var state = job.state
            for _ in 0..<600 where state != .completed && state != .dead {
                try await Task.sleep(for: .milliseconds(50))
                state = try await queue.job(id: jobID)?.state ?? .dead
            }
            await worker.shutdown(deadline: .seconds(5))
            await running.value
            #expect(state == .completed)

            #expect(harness.sandboxes.sim.control.callCount(SIMSandbox.Operations.changePlan) == 1)
            let upstream = try await #require(harness.services.providers.sim).line(id: line)
            #expect(upstream.plan == SIMSandbox.plan20GB && upstream.pendingOperationID == nil)
            // The job invalidated alice's SIM entries: the next read goes upstream and shows the new plan.
            let after = try await client.call(.get, "/api/v1/sims/\(line)", as: harness.alice)
            #expect(after.xCache == "MISS")
            #expect(try after.decode(SIMLineDTO.self).plan == SIMSandbox.plan20GB)
        }
    }

    @Test func aRetriedRunReplaysTheSameOperation() async throws {
        try await PortalHarness.with { harness, _ in
            // The first run submits the change, then loses the platform while polling and fails; the retry submits
            // again with the job's stable idempotency key and the platform answers with its first operation.
            let line = SIMSandbox.aliceLineIDs[1]
            let queue = try #require(harness.services.jobs["fulfillment"])
            let payload = PlanChangeJob.Payload(
                userID: harness.alice, tenant: "demo", lineID: line, plan: SIMSandbox.planUnlimited, operationID: "op_retry"
            )
            let jobID = try await PlanChangeJob.enqueue(payload, on: queue, now: Date())
            #expect(try await PlanChangeJob.enqueue(payload, on: queue, now: Date()) == jobID)
            #expect(try await queue.counts().waiting == 1)
            // One poll's worth of attempts (the transport tries three times) fails.
            harness.sandboxes.sim.control.inject(SIMSandbox.Operations.operationStatus, .status(500, body: nil), times: 3)

            let worker = JobWorker(queue: queue, configuration: .init(concurrency: 1, lease: .seconds(30)))
            worker.register(
                PlanChangeJob.name,
                handler: PlanChangeJob.handler(providers: harness.services.providers, cache: harness.services.cache, pollInterval: .milliseconds(100))
            )
            let running = Task { await worker.run() }
            var job = try await queue.job(id: jobID)
            for _ in 0..<600 where job?.state != .completed && job?.state != .dead {
                try await Task.sleep(for: .milliseconds(50))
                job = try await queue.job(id: jobID)
            }
            await worker.shutdown(deadline: .seconds(5))
            await running.value
            #expect(job?.state == .completed)
            #expect(job?.runs == 2)

            #expect(harness.sandboxes.sim.control.callCount(SIMSandbox.Operations.changePlan) == 2)
            let sim = try #require(harness.services.providers.sim)
            #expect(try await sim.line(id: line).plan == SIMSandbox.planUnlimited)
            // The key the job used is `fulfillment:<job id>`: replaying it returns the finished first operation.
            let replay = try await sim.changePlan(lineID: line, plan: SIMSandbox.planUnlimited, idempotencyKey: "fulfillment:\(jobID)")
            #expect(replay.status == .succeeded)
        }
    }

    @Test func invalidPlanChangesAreRefusedWithoutAJob() async throws {
        try await PortalHarness.with { harness, client in
            let line = SIMSandbox.aliceLineIDs[0]
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"plan":""}"#, .badRequest, "urn:atrium:problem:validation"),
                (#"{}"#, .badRequest, "urn:atrium:problem:validation"),
                (#"{"plan":42}"#, .badRequest, "urn:atrium:problem:validation"),
                (#"not json"#, .badRequest, "urn:atrium:problem:validation"),
                (#"{"plan":"SIM 20GB; DROP"}"#, .badRequest, "urn:atrium:problem:validation"),
                (#"{"plan":"SIM-5GB"}"#, .conflict, "urn:atrium:problem:conflict"),
            ]
            for (body, status, type) in cases {
                let response = try await client.call(.post, "/api/v1/sims/\(line)/plan-change", as: harness.alice, json: body)
                #expect(response.status == status, "\(body)")
                #expect(try response.decode(PortalProblemBody.self).type == type, "\(body)")
            }
            #expect(try await #require(harness.services.jobs["fulfillment"]).counts().waiting == 0)
        }
    }
}
