@testable import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Queue
import Sandbox
import Testing

/// Real answers of every admin operations route (queues, jobs, cache, providers) checked against the contract,
/// on the full production router.
@Suite("OpenAPI contract: admin operations routes")
struct AdminQueueContractTests {
    @Test func everyAdminOperationsRouteMatchesTheContract() async throws {
        try await OrderHarness.run { harness in
            let router = buildRouter(services: harness.services, health: HealthController(checks: []))
            let contract = ContractChecker()
            try await Application(router: router).test(.router) { client in
                try await AdminOperationsContractFlow.run(client, services: harness.services, contract: contract)
            }
            let checked = Set(contract.checked.map { "\($0.method) \($0.path)" })
            let documented = Set(OpenAPIDocument.adminOperationsOperations.map { "\($0.method) \($0.path)" })
            #expect(checked == documented, "operations without a checked answer: \(documented.subtracting(checked).sorted())")
        }
    }

    /// The flow as the whole-API contract test runs it: default configuration (production rate limits), memory
    /// backends, sandbox upstreams and its stepping clock.
    @Test func theFlowRunsInTheWholeAPISetting() async throws {
        let sandboxes = try await SandboxUpstreams.start(logger: ContractResponseTests.logger)
        let services = AppServices(
            config: AtriumConfig(), store: .memory(), cache: Cache(store: MemoryCacheStore(), logger: ContractResponseTests.logger),
            providers: ProviderRegistry(sandboxes: sandboxes, logger: ContractResponseTests.logger), jobs: .memory(), redis: nil,
            jwtSecret: Secret(String(repeating: "contract-jwt-secret-", count: 3)), passwordPepper: Secret(String(repeating: "contract-pepper-", count: 3)),
            clock: ContractResponseTests.steppingClock(), logger: ContractResponseTests.logger
        )
        let contract = ContractChecker()
        do {
            try await Application(router: buildRouter(services: services, health: HealthController(checks: []))).test(.router) { client in
                try await AdminOperationsContractFlow.run(client, services: services, contract: contract)
            }
        } catch {
            await sandboxes.stop()
            throw error
        }
        await sandboxes.stop()
        #expect(contract.checked.count == OpenAPIDocument.adminOperationsOperations.count)
    }
}

/// The admin operations part of a contract flow, reusable by the whole-API flow (`ContractResponseTests.runDemoFlow`):
/// a staff token (role `ops`) is minted from the services' signing secret; jobs go to the `maintenance` queue, which
/// nothing else in a flow uses.
enum AdminOperationsContractFlow {
    static func run(_ client: some TestClientProtocol, services: AppServices, contract: ContractChecker, tenant: String = "demo") async throws {
        let tokens = TokenService(secret: services.jwtSecret, clock: services.clock)
        let token = try await tokens.issue(for: AuthenticatedUser(userID: UUID(), tenant: tenant, kind: .staff, roles: [.ops], family: nil)).token
        let queue = try #require(services.jobs["maintenance"])
        func now() -> Int64 { Int64(services.clock.now().timeIntervalSince1970 * 1000) }
        func enqueue(runAt: Int64? = nil) async throws -> String {
            let payload = Array(#"{"note": "contract", "api_key": "k"}"#.utf8)
            return try await queue.enqueue(name: "contract.test", payload: payload, options: JobOptions(jobID: "c-\(UUID().uuidString)", runAt: runAt), now: now()).id
        }
        func deadLetter() async throws -> String {
            let id = try await enqueue()
            let claim = try #require(try await queue.claim(lease: .seconds(30), now: now()).claimed)
            _ = try await queue.fail(claim, message: "contract failure", retryAt: now(), permanent: true, now: now())
            return claim.job.id == id ? id : claim.job.id
        }
        let base = "/api/v1/admin/queues"
        let jobsTemplate = "\(base)/{name}/jobs"
        let jobTemplate = "\(base)/{name}/jobs/{id}"

        try await contract.check(client, .get, base, token: token)
        let waiting = try await enqueue()
        try await contract.check(client, .get, "\(base)/maintenance/jobs?state=waiting&limit=1", template: jobsTemplate, token: token)
        try await contract.check(client, .get, "\(base)/maintenance/jobs?state=nope", template: jobsTemplate, token: token, expect: .badRequest)
        try await contract.check(client, .get, "\(base)/nope/jobs", template: jobsTemplate, token: token, expect: .notFound)
        try await contract.check(client, .get, "\(base)/maintenance/jobs/\(waiting)", template: jobTemplate, token: token)
        try await contract.check(client, .get, "\(base)/maintenance/jobs/missing", template: jobTemplate, token: token, expect: .notFound)

        try await contract.check(client, .post, "\(base)/maintenance/jobs/\(waiting)/promote", template: "\(jobTemplate)/promote", token: token, expect: .conflict)
        let delayed = try await enqueue(runAt: now() + 3_600_000)
        try await contract.check(client, .post, "\(base)/maintenance/jobs/\(delayed)/promote", template: "\(jobTemplate)/promote", token: token)
        try await contract.check(client, .post, "\(base)/maintenance/jobs/\(delayed)/remove", template: "\(jobTemplate)/remove", token: token)
        try await contract.check(client, .post, "\(base)/maintenance/jobs/\(delayed)/remove", template: "\(jobTemplate)/remove", token: token, expect: .notFound)
        try await contract.check(client, .post, "\(base)/maintenance/jobs/\(waiting)/remove", template: "\(jobTemplate)/remove", token: token)

        let dead = try await deadLetter()
        try await contract.check(client, .post, "\(base)/maintenance/jobs/\(dead)/retry", template: "\(jobTemplate)/retry", token: token)
        try await contract.check(client, .post, "\(base)/maintenance/jobs/\(dead)/retry", template: "\(jobTemplate)/retry", token: token, expect: .conflict)
        try await queue.remove(id: dead)
        let again = try await deadLetter()
        try await contract.check(client, .post, "/api/v1/admin/jobs/\(again)/retry", template: "/api/v1/admin/jobs/{id}/retry", token: token)
        try await contract.check(client, .post, "/api/v1/admin/jobs/missing/retry", template: "/api/v1/admin/jobs/{id}/retry", token: token, expect: .notFound)
        try await queue.remove(id: again)
        _ = try await deadLetter()
        try await contract.check(client, .post, "\(base)/maintenance/dead/replay?limit=5", template: "\(base)/{name}/dead/replay", token: token)
        try await contract.check(client, .post, "\(base)/maintenance/pause", template: "\(base)/{name}/pause", token: token)
        try await contract.check(client, .post, "\(base)/maintenance/resume", template: "\(base)/{name}/resume", token: token)
        for job in try await queue.jobs(in: .waiting, offset: 0, limit: 100) { try await queue.remove(id: job.id) }

        try await contract.check(client, .post, "/api/v1/admin/cache/invalidate", token: token, json: #"{"tag": "catalog"}"#)
        try await contract.check(client, .post, "/api/v1/admin/cache/invalidate", token: token, json: "{}", expect: .badRequest)
        try await contract.check(client, .get, "/api/v1/admin/providers", token: token)
    }
}
